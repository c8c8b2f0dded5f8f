package org.nsvpn.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.ZooKeeper;
import org.nsvpn.topology.SecretsCredential;
import org.nsvpn.topology.StoreException;
import org.nsvpn.topology.TopologyStore;
import org.nsvpn.topology.ZooKeeperClients;
import picocli.CommandLine.Option;

/**
 * How a command line tool reaches the store: the ZooKeeper connect string, the store root, the
 * secrets credential and the connect timeout, as options shared by {@code nsvpn-cli} and {@code
 * nsvpn-swanctl} (a picocli mixin).
 */
final class StoreOptions {
  @Option(
      names = "--zk",
      paramLabel = "HOST:PORT[,...]",
      defaultValue = "${env:NSVPN_ZK:-127.0.0.1:2181}",
      description = "ZooKeeper connect string (default: $NSVPN_ZK or ${DEFAULT-VALUE}).")
  String connectString;

  @Option(
      names = "--root",
      defaultValue = TopologyStore.DEFAULT_ROOT,
      description = "Store root path (default ${DEFAULT-VALUE}).")
  String root;

  @Option(
      names = "--home",
      paramLabel = "DIR",
      defaultValue = "${env:NSVPN_HOME:-/var/lib/nsvpn}",
      description =
          "nsvpn state directory holding secrets.auth (default: $NSVPN_HOME or ${DEFAULT-VALUE}).")
  Path home;

  @Option(
      names = "--secrets-auth",
      paramLabel = "FILE",
      description =
          "Credential file (user:password, mode 0600) for reading and writing PSKs; created if absent (default: HOME/secrets.auth).")
  Path secretsAuth;

  @Option(
      names = "--connect-timeout",
      defaultValue = "10",
      description = "Seconds to wait for ZooKeeper (default ${DEFAULT-VALUE}).")
  int connectTimeout;

  /**
   * A connected client and the store on it; closing closes both.
   *
   * <p>Closing returns once ZooKeeper has acknowledged the end of the session, not when the client
   * library has finished tearing down: its NIO socket clean-up then sleeps 100 ms unconditionally,
   * a sixth of a one-shot command's time. The rest of the tear-down finishes on a daemon thread (or
   * ends with the process, which is about to exit; the session is gone on the server either way).
   */
  record Opened(CuratorFramework client, TopologyStore store) implements AutoCloseable {
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    @Override
    public void close() {
      try {
        store.close();
      } finally {
        closeClient();
      }
    }

    private void closeClient() {
      ZooKeeper zooKeeper;
      try {
        zooKeeper = client.getZookeeperClient().getZooKeeper();
      } catch (Exception e) {
        client.close();
        return;
      }
      Thread closer = new Thread(client::close, "zookeeper-close");
      closer.setDaemon(true);
      closer.start();
      long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
      try {
        while (closer.isAlive() && zooKeeper.getState().isAlive() && System.nanoTime() < deadline) {
          closer.join(1);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Connects and opens the store lazily (nothing is created before the first write).
   *
   * @param connectOverride a connect string to use instead of {@code --zk} (an embedded server)
   * @throws StoreException when ZooKeeper cannot be reached within the timeout, or no host of the
   *     connect string resolves
   */
  Opened open(Optional<String> connectOverride) {
    String connect = connectOverride.orElse(connectString);
    if (connectOverride.isEmpty()) {
      requireResolvable(connect);
    }
    Optional<SecretsCredential> credential = credential();
    CuratorFramework client =
        ZooKeeperClients.connect(connect, credential, Duration.ofSeconds(connectTimeout));
    try {
      return new Opened(client, TopologyStore.openLazily(client, root, credential));
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /**
   * Fails at once, in one line, when no host of the connect string resolves: ZooKeeper's client
   * would retry until the timeout and then report only that it could not connect.
   */
  private static void requireResolvable(String connect) {
    int slash = connect.indexOf('/');
    String hosts = slash < 0 ? connect : connect.substring(0, slash);
    List<String> unresolved = new ArrayList<>();
    String[] entries = hosts.split(",");
    for (String entry : entries) {
      String host = host(entry.strip());
      try {
        InetAddress.getAllByName(host);
      } catch (UnknownHostException | SecurityException e) {
        unresolved.add(host);
      }
    }
    if (unresolved.size() == entries.length) {
      throw new StoreException(
          "cannot reach ZooKeeper at "
              + connect
              + ": "
              + (unresolved.size() == 1 ? "host " : "hosts ")
              + String.join(", ", unresolved.stream().map(Text::quote).toList())
              + " cannot be resolved");
    }
  }

  /** The host of {@code host:port}, {@code [v6]:port} or a bare host. */
  private static String host(String entry) {
    if (entry.startsWith("[") && entry.indexOf(']') > 0) {
      return entry.substring(1, entry.indexOf(']'));
    }
    int colon = entry.indexOf(':');
    return colon >= 0 && colon == entry.lastIndexOf(':') ? entry.substring(0, colon) : entry;
  }

  Optional<SecretsCredential> credential() {
    Path file = secretsAuth != null ? secretsAuth : home.resolve("secrets.auth");
    try {
      return Optional.of(SecretsCredential.loadOrCreate(file));
    } catch (StoreException e) {
      if (secretsAuth != null) {
        throw e;
      }
      return Optional.empty();
    }
  }
}
