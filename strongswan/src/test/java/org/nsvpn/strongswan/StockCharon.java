package org.nsvpn.strongswan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.nsvpn.namespacemanager.testing.Ip;

/**
 * A stock strongSwan, the way any remote site would run it, as the independent peer of the tests:
 * charon started with shell tools ({@code ip netns exec}, {@code unshare}, {@code mount}) in a
 * namespace with its own /run, connections and secrets only from a swanctl.conf file loaded with
 * {@code swanctl --load-all}, and inspected with {@code swanctl}. Nothing of nsvpn is used.
 */
public final class StockCharon {
  private final Path directory;
  private final Process process;

  private StockCharon(Path directory, Process process) {
    this.directory = directory;
    this.process = process;
  }

  /** Starts charon in {@code namespace} with the backend's kernel plugins; waits for VICI. */
  public static StockCharon start(String namespace, Backend backend) {
    Path directory = CharonFixture.stateRoot();
    String kernel =
        backend == Backend.KERNEL_LIBIPSEC ? "kernel-libipsec kernel-netlink" : "kernel-netlink";
    write(
        directory.resolve("strongswan.conf"),
        """
        charon {
          load_modular = no
          load = random nonce openssl aes sha1 sha2 hmac gcm kdf pem pkcs1 pkcs8 x509 pubkey constraints revocation %s socket-default vici
          plugins {
            vici {
              socket = unix:///run/charon.vici
            }
          }
          filelog {
            peer {
              path = /run/charon.log
              default = 1
              time_format = %%s
              time_add_ms = yes
              flush_line = yes
            }
          }
        }
        swanctl {
          load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey
        }
        """
            .formatted(kernel));
    ProcessBuilder builder =
        new ProcessBuilder(
            "ip",
            "netns",
            "exec",
            namespace,
            "unshare",
            "--mount",
            "--propagation",
            "slave",
            "sh",
            "-c",
            "mount --bind \"$0\" /run && exec " + CharonFixture.CHARON,
            directory.toString());
    builder.environment().put("STRONGSWAN_CONF", "/run/strongswan.conf");
    builder.redirectErrorStream(true);
    builder.redirectOutput(directory.resolve("console.log").toFile());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new AssertionError("cannot start the peer charon (needs iproute2, util-linux)", e);
    }
    // ip, unshare and sh exec one another, so the pid ends up being charon's.
    CharonFixture.track(process.pid());
    StockCharon peer = new StockCharon(directory, process);
    Awaitility.await("peer charon answers swanctl")
        .atMost(Duration.ofSeconds(20))
        .until(() -> !process.isAlive() || peer.swanctl("--stats").ok());
    if (!process.isAlive()) {
      throw new AssertionError("peer charon exited: " + peer.log());
    }
    return peer;
  }

  public long pid() {
    return process.pid();
  }

  public Path directory() {
    return directory;
  }

  /** Writes swanctl.conf and loads it with {@code swanctl --load-all}. */
  public void loadAll(String swanctlConf) {
    Path file = directory.resolve("swanctl.conf");
    write(file, swanctlConf);
    Ip.Result result = swanctl("--load-all", "--file", file.toString());
    if (!result.ok()) {
      throw new AssertionError("swanctl --load-all failed: " + result.stdout() + result.stderr());
    }
  }

  /**
   * Writes swanctl.conf into {@code swanctlDir}, a swanctl directory whose {@code x509}, {@code
   * x509ca} and {@code private} folders hold the credentials, and loads it all with {@code swanctl
   * --load-all} (swanctl reads credentials only from such a directory).
   */
  public void loadAll(String swanctlConf, Path swanctlDir) {
    Path file = swanctlDir.resolve("swanctl.conf");
    write(file, swanctlConf);
    List<String> command =
        List.of(
            "env",
            "SWANCTL_DIR=" + swanctlDir,
            "swanctl",
            "--load-all",
            "--uri",
            "unix://" + directory.resolve("charon.vici"),
            "--file",
            file.toString());
    Ip.Result result = Ip.exec(command.toArray(String[]::new));
    if (!result.ok()) {
      throw new AssertionError("swanctl --load-all failed: " + result.stdout() + result.stderr());
    }
  }

  /**
   * When the peer received each IKE_SA_INIT request, from its own log (seconds since the epoch,
   * with milliseconds).
   */
  public List<Double> ikeSaInitRequests(double since) {
    return log()
        .lines()
        .filter(l -> l.contains("parsed IKE_SA_INIT request"))
        .map(l -> Double.parseDouble(l.substring(0, l.indexOf(' '))))
        .filter(t -> t >= since)
        .toList();
  }

  /** {@code swanctl --list-sas --raw}: one line per IKE SA. */
  public String listSas() {
    return swanctl("--list-sas", "--raw").stdout();
  }

  public Ip.Result swanctl(String... args) {
    // swanctl wants its command first, options after it.
    List<String> command = new java.util.ArrayList<>(List.of("swanctl", args[0]));
    command.addAll(List.of("--uri", "unix://" + directory.resolve("charon.vici")));
    command.addAll(List.of(args).subList(1, args.length));
    return Ip.exec(command.toArray(String[]::new));
  }

  public String log() {
    try {
      Path log = directory.resolve("charon.log");
      return Files.exists(log)
          ? Files.readString(log)
          : Files.readString(directory.resolve("console.log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  public void stop() {
    CharonFixture.stop(process.pid());
  }

  private static void write(Path file, String content) {
    try {
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
