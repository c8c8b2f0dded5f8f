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
  /** Session timeout of clients that do not choose one (the CLI). */
  public static final Duration SESSION_TIMEOUT = Duration.ofSeconds(15);

  private ZooKeeperClients() {}

  /**
   * Starts a client for {@code connectString} and waits until it is connected.
   *
   * @param credential authenticates the client for secrets, if given
   * @throws StoreException when no server answers within {@code connectTimeout}; thrown when that
   *     time is up, not later
   */
  public static CuratorFramework connect(
      String connectString, Optional<SecretsCredential> credential, Duration connectTimeout) {
    return connect(connectString, credential, connectTimeout, SESSION_TIMEOUT);
  }

  /**
   * As {@link #connect(String, Optional, Duration)}, with the session timeout the agent chose: the
   * time after which ZooKeeper declares this client dead (the server clamps it to 2-20 ticks).
   */
  public static CuratorFramework connect(
      String connectString,
      Optional<SecretsCredential> credential,
      Duration connectTimeout,
      Duration sessionTimeout) {
    if (connectString == null || connectString.isBlank() || connectString.length() > 4096) {
      throw new InvalidValueException(
          "zookeeper", String.valueOf(connectString), "expected host:port[,host:port...]");
    }
    CuratorFrameworkFactory.Builder builder =
        CuratorFrameworkFactory.builder()
            .connectString(connectString)
            .sessionTimeoutMs((int) sessionTimeout.toMillis())
            .connectionTimeoutMs((int) Math.max(1000, connectTimeout.toMillis()))
            .retryPolicy(new ExponentialBackoffRetry(100, 5, 2000));
    credential.ifPresent(c -> builder.authorization("digest", c.authInfo()));
    CuratorFramework client = builder.build();
    client.start();
    try {
      if (!client.blockUntilConnected((int) connectTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        closeInBackground(client);
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

  /**
   * Closes a client that never connected without waiting for it: its close waits for ZooKeeper's
   * own connection attempt to time out (seconds more against a server that accepts connections and
   * never answers), which would break the caller's {@code connectTimeout}.
   */
  private static void closeInBackground(CuratorFramework client) {
    Thread closer = new Thread(client::close, "nsvpn-zookeeper-close");
    closer.setDaemon(true);
    closer.start();
  }
}
