package org.nsvpn.topology;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.curator.utils.ZKPaths;
import org.nsvpn.topology.testing.TestingServers;

/** A real in-process ZooKeeper and clients for it; close releases everything. */
final class StoreFixture implements AutoCloseable {
  static final SecretsCredential CREDENTIAL =
      new SecretsCredential("nsvpn", "test-password-0123456789");

  final TestingServer server;

  StoreFixture() throws Exception {
    server = new TestingServer(true);
  }

  CuratorFramework client(Optional<SecretsCredential> credential) {
    return ZooKeeperClients.connect(server.getConnectString(), credential, Duration.ofSeconds(10));
  }

  /**
   * Every node under {@code path} with its data as text: what "nothing was written" is checked
   * against. Secret nodes, unreadable without the credential, appear as "(no auth)".
   */
  static Map<String, String> dump(CuratorFramework client, String path) throws Exception {
    Map<String, String> out = new TreeMap<>();
    walk(client, path, out);
    return out;
  }

  private static void walk(CuratorFramework client, String path, Map<String, String> out)
      throws Exception {
    String data;
    try {
      byte[] bytes = client.getData().forPath(path);
      data = bytes == null ? "" : new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
      return;
    } catch (org.apache.zookeeper.KeeperException.NoAuthException e) {
      out.put(path, "(no auth)");
      return;
    }
    out.put(path, data);
    for (String child : client.getChildren().forPath(path)) {
      walk(client, ZKPaths.makePath(path, child), out);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    TestingServers.removeConfigurations(server.getTempDirectory());
  }
}
