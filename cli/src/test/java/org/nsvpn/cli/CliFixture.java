package org.nsvpn.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.nsvpn.topology.SecretsCredential;
import org.nsvpn.topology.TopologyStore;
import org.nsvpn.topology.ZooKeeperClients;

/** A real ZooKeeper, a store and an interpreter over it, with a PSK source tests control. */
final class CliFixture implements AutoCloseable {
  static final SecretsCredential CREDENTIAL =
      new SecretsCredential("nsvpn", "cli-test-password-42");
  static final String PSK = "s3cret-psk-for-tests";

  final TestingServer server;
  final CuratorFramework client;
  final CuratorFramework plainClient;
  final TopologyStore store;
  final Interpreter interpreter;

  CliFixture() throws Exception {
    server = new TestingServer(true);
    client =
        ZooKeeperClients.connect(
            server.getConnectString(), Optional.of(CREDENTIAL), Duration.ofSeconds(10));
    plainClient =
        ZooKeeperClients.connect(
            server.getConnectString(), Optional.empty(), Duration.ofSeconds(10));
    store = TopologyStore.open(client, "/nsvpn", Optional.of(CREDENTIAL));
    interpreter = new Interpreter(store, secrets(PSK));
  }

  static SecretSource secrets(String psk) {
    return new SecretSource() {
      @Override
      public Optional<char[]> prompt(String prompt) {
        return Optional.of(psk.toCharArray());
      }

      @Override
      public Optional<InputStream> stdin() {
        return Optional.of(new ByteArrayInputStream((psk + "\n").getBytes(StandardCharsets.UTF_8)));
      }
    };
  }

  /** Runs a script the way a session would show it: each command, then its output or error. */
  List<String> transcript(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      out.add("nsvpn> " + line);
      if (line.startsWith("#")) {
        continue;
      }
      try {
        out.addAll(interpreter.execute(line));
      } catch (CliException e) {
        out.add("error: " + e.getMessage());
      }
    }
    return out;
  }

  /** Every node under the root, with data as text; secrets show as "(no auth)". */
  Map<String, String> dump() throws Exception {
    Map<String, String> out = new TreeMap<>();
    walk("/nsvpn", out);
    return out;
  }

  private void walk(String path, Map<String, String> out) throws Exception {
    try {
      byte[] data = plainClient.getData().forPath(path);
      out.put(path, data == null ? "" : new String(data, StandardCharsets.UTF_8));
    } catch (KeeperException.NoAuthException e) {
      out.put(path, "(no auth)");
      return;
    } catch (KeeperException.NoNodeException e) {
      return;
    }
    for (String child : plainClient.getChildren().forPath(path)) {
      walk(ZKPaths.makePath(path, child), out);
    }
  }

  @Override
  public void close() throws java.io.IOException {
    store.close();
    client.close();
    plainClient.close();
    server.close();
  }
}
