package org.nsvpn.topology;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.nsvpn.chainrules.InvalidValueException;

/** Builds the Curator clients nsvpn uses, with one set of timeouts and retry policy. */
public final class ZooKeeperClients {
  /** Session timeout: how long a host may be unreachable before its liveness node goes. */
  public static final Duration SESSION_TIMEOUT = Duration.ofSeconds(15);

  private ZooKeeperClients() {}

  /**
   * Starts a client for {@code connectString} and waits until it is connected.
   *
   * @param credential authenticates the client for secrets, if given
   * @throws StoreException when no server answers within {@code connectTimeout}
   */
  public static CuratorFramework connect(
      String connectString, Optional<SecretsCredential> credential, Duration connectTimeout) {
    if (connectString == null || connectString.isBlank() || connectString.length() > 4096) {
      throw new InvalidValueException(
          "zookeeper", String.valueOf(connectString), "expected host:port[,host:port...]");
    }
    CuratorFrameworkFactory.Builder builder =
        CuratorFrameworkFactory.builder()
            .connectString(connectString)
            .sessionTimeoutMs((int) SESSION_TIMEOUT.toMillis())
            .connectionTimeoutMs((int) Math.max(1000, connectTimeout.toMillis()))
            .retryPolicy(new ExponentialBackoffRetry(100, 5, 2000));
    credential.ifPresent(c -> builder.authorization("digest", c.authInfo()));
    CuratorFramework client = builder.build();
    client.start();
    try {
      if (!client.blockUntilConnected((int) connectTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        client.close();
        throw new StoreException(
            "cannot reach ZooKeeper at "
                + connectString
                + " within "
                + connectTimeout.toSeconds()
                + " s (is the server running? see scripts/nsvpn-zk)");
      }
    } catch (InterruptedException e) {
      client.close();
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while connecting to ZooKeeper", e);
    }
    return client;
  }
}
