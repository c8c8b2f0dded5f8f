package org.nsvpn.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.nsvpn.topology.SecretsCredential;
import org.nsvpn.topology.TopologyStore;
import org.nsvpn.topology.ZooKeeperClients;
import org.nsvpn.topology.testing.TestingServers;

/**
 * A real ZooKeeper, a store and an interpreter over it, with a PSK source tests control, and the
 * CLI run in-process against it ({@link #run}).
 */
final class CliFixture implements AutoCloseable {
  static final SecretsCredential CREDENTIAL =
      new SecretsCredential("nsvpn", "cli-test-password-42");
  static final String PSK = "s3cret-psk-for-tests";

  /** The CLI's clock in tests: status views print times relative to it. */
  static final Clock NOW =
      Clock.fixed(Instant.parse("2026-11-23T10:02:00Z"), java.time.ZoneOffset.UTC);

  final TestingServer server;
  final CuratorFramework client;
  final CuratorFramework plainClient;
  final TopologyStore store;
  final Interpreter interpreter;
  final Path auth;

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
    auth =
        Files.createTempFile(
            "secrets",
            ".auth",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(auth, CREDENTIAL.user() + ":" + CREDENTIAL.password() + "\n");
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

  /** What one in-process run of nsvpn-cli returned and printed. */
  record Run(int code, List<String> out, List<String> err) {}

  /**
   * Runs nsvpn-cli in-process with {@code args}, against this ZooKeeper (unless {@code args} give
   * {@code --zk}) and with the fixture's secrets credential.
   */
  Run run(InputStream stdin, Optional<SecretSource> secrets, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>();
    if (!List.of(args).contains("--zk")) {
      all.addAll(List.of("--zk", server.getConnectString()));
    }
    all.addAll(List.of("--secrets-auth", auth.toString()));
    all.addAll(List.of(args));
    int code =
        NsvpnCli.run(
            all.toArray(String[]::new),
            stdin,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            secrets,
            NOW);
    return new Run(code, lines(out), lines(err));
  }

  Run run(String... args) {
    return run(InputStream.nullInputStream(), Optional.empty(), args);
  }

  private static List<String> lines(ByteArrayOutputStream bytes) {
    String text = bytes.toString(StandardCharsets.UTF_8);
    return text.isEmpty() ? List.of() : List.of(text.split("\n"));
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

  /**
   * Every node under the root, as a client without the secrets credential sees it: data as text,
   * secrets as "(no auth)".
   */
  Map<String, String> dump() throws Exception {
    Map<String, String> out = new TreeMap<>();
    walk(plainClient, "/nsvpn", out, false);
    return out;
  }

  /**
   * Every node of the whole ZooKeeper tree but {@code /zookeeper}, read with the secrets
   * credential: its data (PSKs included), and the transaction ids of its last change and of its
   * children's last change. Equal before and after means nothing at all was written, not even data
   * rewritten as it was, anywhere (a refused command against another root included).
   */
  Map<String, String> tree() throws Exception {
    Map<String, String> out = new TreeMap<>();
    for (String child : client.getChildren().forPath("/")) {
      if (!child.equals("zookeeper")) {
        walk(client, "/" + child, out, true);
      }
    }
    return out;
  }

  private static void walk(
      CuratorFramework reader, String path, Map<String, String> out, boolean changes)
      throws Exception {
    Stat stat = new Stat();
    try {
      byte[] data = reader.getData().storingStatIn(stat).forPath(path);
      String text = data == null ? "" : new String(data, StandardCharsets.UTF_8);
      out.put(path, changes ? text + " @" + stat.getMzxid() + "/" + stat.getPzxid() : text);
    } catch (KeeperException.NoAuthException e) {
      out.put(path, "(no auth)");
      return;
    } catch (KeeperException.NoNodeException e) {
      return;
    }
    for (String child : reader.getChildren().forPath(path)) {
      walk(reader, ZKPaths.makePath(path, child), out, changes);
    }
  }

  @Override
  public void close() throws IOException {
    store.close();
    client.close();
    plainClient.close();
    server.close();
    TestingServers.removeConfigurations(server.getTempDirectory());
    Files.deleteIfExists(auth);
  }
}
