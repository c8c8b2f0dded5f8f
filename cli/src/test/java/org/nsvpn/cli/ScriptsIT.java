package org.nsvpn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executables as an operator runs them: scripts/nsvpn-zk serving a persistent data directory,
 * scripts/nsvpn-cli one-shot against it, a clean shutdown on SIGTERM, a restart that finds the
 * data, and the --embedded mode. Needs the shaded jar, which `mvn package` builds before Failsafe
 * runs.
 */
class ScriptsIT {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  @TempDir Path tmp;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void stopProcesses() throws InterruptedException {
    for (Process p : started) {
      if (p.isAlive()) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  record Result(int code, String out, String err) {}

  private Result cli(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(ROOT.resolve("scripts/nsvpn-cli").toString(), "--home", tmp.toString()));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    started.add(p);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      fail("nsvpn-cli did not finish: " + command);
    }
    return new Result(
        p.exitValue(),
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private Process server(Path data, int port) throws IOException {
    Path log = tmp.resolve("nsvpn-zk-" + started.size() + ".log");
    Process p =
        new ProcessBuilder(
                ROOT.resolve("scripts/nsvpn-zk").toString(),
                "--data-dir",
                data.toString(),
                "--port",
                Integer.toString(port))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    started.add(p);
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                !p.isAlive()
                    || Files.readString(log).contains("nsvpn-zk: serving 127.0.0.1:" + port));
    assertThat(p.isAlive()).as("nsvpn-zk runs; its log: %s", Files.readString(log)).isTrue();
    return p;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void serverAndCliAsProcesses() throws Exception {
    assertThat(Files.isExecutable(ROOT.resolve("scripts/nsvpn-cli"))).isTrue();
    int port = freePort();
    Path data = tmp.resolve("zk");
    Process server = server(data, port);
    String zk = "127.0.0.1:" + port;
    Result add = cli("--zk", zk, "-e", "router add name edge");
    assertThat(add.code()).as(add.err()).isZero();
    assertThat(add.out()).isEqualTo("router0\n");
    Result refused = cli("--zk", zk, "-e", "router router0 add port mac 02:00:00:00:00");
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err())
        .isEqualTo(
            "error: mac: invalid value '02:00:00:00:00': expected six hex pairs as xx:xx:xx:xx:xx:xx\n");
    assertThat(Files.exists(tmp.resolve("secrets.auth"))).isTrue();
    assertThat(Files.getPosixFilePermissions(tmp.resolve("secrets.auth")))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

    server.destroy();
    assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(listening(port)).as("port released").isFalse();
    assertThat(cli("--zk", zk, "--connect-timeout", "1", "-e", "router list").code()).isEqualTo(3);

    server(data, port);
    Result list = cli("--zk", zk, "-e", "router list");
    assertThat(list.out()).isEqualTo("router router0 name edge state up\n");
  }

  @Test
  void libraryOutputNeverReachesTheTerminal() throws Exception {
    Result unresolvable =
        cli("--zk", "nosuch.invalid:2181", "--connect-timeout", "2", "-e", "router list");
    assertThat(unresolvable.code()).isEqualTo(3);
    assertThat(unresolvable.out()).isEmpty();
    assertThat(unresolvable.err())
        .as("one line, no ZooKeeper stack traces")
        .isEqualTo(
            "error: cannot reach ZooKeeper at nosuch.invalid:2181: host 'nosuch.invalid' cannot be"
                + " resolved\n");

    // The embedded server purges old snapshots (keeping three) when it starts, and ZooKeeper
    // reports every file it removes on standard output.
    Path data = tmp.resolve("purged");
    for (int i = 0; i < 6; i++) {
      Result r = cli("--embedded", data.toString(), "-e", "chain add name c" + i);
      assertThat(r.err()).as("run %d's stderr", i).isEmpty();
      assertThat(r.out()).as("run %d's stdout", i).isEqualTo("chain" + i + "\n");
    }
  }

  @Test
  void embeddedModeNeedsNoServer() throws Exception {
    Path data = tmp.resolve("embedded");
    assertThat(cli("--embedded", data.toString(), "-e", "chain add name c").out())
        .isEqualTo("chain0\n");
    Result again = cli("--embedded", data.toString(), "-e", "chain list");
    assertThat(again.out()).isEqualTo("chain chain0 name c\n");
    assertThat(cli("--help").out()).contains("--embedded", "Exit codes");
  }
}
