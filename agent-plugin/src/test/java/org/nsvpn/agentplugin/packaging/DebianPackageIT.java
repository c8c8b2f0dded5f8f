package org.nsvpn.agentplugin.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nsvpn.namespacemanager.testing.Ip;

/**
 * The Debian package as an operator gets it: built by scripts/build-deb from this build's jars,
 * inspected with dpkg-deb, installed with dpkg into a throwaway root (no maintainer scripts run,
 * dependencies not checked: the root has no Debian), its agent jar run from there, and its unit
 * checked with systemd-analyze verify against that root.
 */
class DebianPackageIT {
  private Path work;

  @BeforeEach
  void workDirectory() throws IOException {
    for (String tool : new String[] {"dpkg-deb", "dpkg", "systemd-analyze"}) {
      assertThat(Ip.exec("sh", "-c", "command -v " + tool).ok())
          .as("%s is missing; install it with: sudo scripts/install-deps", tool)
          .isTrue();
    }
    work = Files.createTempDirectory("nsvpn-deb-");
  }

  @AfterEach
  void removeWorkDirectory() throws IOException {
    try (Stream<Path> files = Files.walk(work)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static Ip.Result ok(String... command) {
    Ip.Result r = Ip.exec(command);
    assertThat(r.ok()).as("%s: %s %s", String.join(" ", command), r.stdout(), r.stderr()).isTrue();
    return r;
  }

  @Test
  void buildsInstallsIntoAThrowawayRootAndItsUnitVerifies() throws IOException {
    Path script = Path.of("..", "scripts", "build-deb").toAbsolutePath().normalize();
    String deb = ok(script.toString(), "--out", work.resolve("out").toString()).stdout().trim();
    assertThat(deb).endsWith("_amd64.deb");

    String info = ok("dpkg-deb", "-I", deb).stdout();
    assertThat(info)
        .contains("Package: nsvpn")
        .contains("Architecture: amd64")
        .contains("strongswan-charon")
        .contains("openvswitch-common")
        .contains("conffiles");
    String contents = ok("dpkg-deb", "-c", deb).stdout();
    assertThat(contents)
        .contains("./usr/share/nsvpn/nsvpn-agent.jar")
        .contains("./usr/share/nsvpn/nsvpn-cli.jar")
        .contains("-rwxr-xr-x root/root")
        .contains("./usr/bin/nsvpn-agent")
        .contains("./usr/bin/nsvpn-swanctl")
        .contains("./etc/nsvpn/agent.conf")
        .contains("./lib/systemd/system/nsvpn-agent.service")
        .contains("./usr/bin/nsvpn-datapath")
        .contains("./lib/systemd/system/nsvpn-datapath.service");

    Path root = work.resolve("root");
    Files.createDirectories(root.resolve("var/lib/dpkg/info"));
    Files.createDirectories(root.resolve("var/lib/dpkg/updates"));
    Files.createFile(root.resolve("var/lib/dpkg/status"));
    dpkgInto(root, "-i", deb);
    assertThat(ok("dpkg", "--root=" + root, "-s", "nsvpn").stdout())
        .contains("Status: install ok installed");
    assertThat(Files.readString(root.resolve("var/lib/dpkg/info/nsvpn.conffiles")))
        .contains("/etc/nsvpn/agent.conf");
    assertThat(Files.isExecutable(root.resolve("usr/bin/nsvpn-agent"))).isTrue();

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path jar = root.resolve("usr/share/nsvpn/nsvpn-agent.jar");
    assertThat(ok(java, "-jar", jar.toString(), "-V").stdout()).startsWith("nsvpn-agent ");
    assertThat(
            ok(
                    java,
                    "-jar",
                    jar.toString(),
                    "--check-config",
                    root.resolve("etc/nsvpn/agent.conf").toString())
                .stdout())
        .contains("valid");
    assertThat(
            ok(java, "-cp", jar.toString(), "org.nsvpn.agentplugin.DatapathMain", "--help")
                .stdout())
        .contains("Usage: nsvpn-datapath");
    assertThat(Files.readString(root.resolve("usr/bin/nsvpn-datapath")))
        .contains("org.nsvpn.agentplugin.DatapathMain");

    Path cliJar = root.resolve("usr/share/nsvpn/nsvpn-cli.jar");
    Path archive = root.resolve("var/cache/nsvpn/nsvpn-cli.jsa");
    assertThat(archive).as("postinst made the CLI's start-up archive").isNotEmptyFile();
    assertThat(
            ok(
                    java,
                    "-Xshare:on",
                    "-XX:SharedArchiveFile=" + archive,
                    "-jar",
                    cliJar.toString(),
                    "--version")
                .stdout())
        .as("the archive maps (-Xshare:on refuses to start otherwise)")
        .startsWith("nsvpn-cli ");
    assertThat(Files.readString(root.resolve("usr/bin/nsvpn-cli")))
        .contains("-XX:SharedArchiveFile=/var/cache/nsvpn/nsvpn-cli.jsa");
    assertThat(
            ok(java, "-cp", cliJar.toString(), "org.nsvpn.cli.SwanctlCommand", "--help").stdout())
        .contains("Usage: nsvpn-swanctl");
    assertThat(Files.readString(root.resolve("usr/bin/nsvpn-swanctl")))
        .contains("org.nsvpn.cli.SwanctlCommand");

    // The unit against the root: systemd's own units beside it, as on a Debian host.
    copyTree(Path.of("/lib/systemd/system"), root.resolve("lib/systemd/system"));
    Ip.Result verify =
        Ip.exec(
            "systemd-analyze",
            "--root=" + root,
            "verify",
            "/lib/systemd/system/nsvpn-agent.service",
            "/lib/systemd/system/nsvpn-datapath.service");
    assertThat(verify.ok()).as(verify.stderr()).isTrue();
    assertThat(verify.stdout() + verify.stderr()).as("no warning about the unit").isBlank();

    dpkgInto(root, "--purge", "nsvpn");
    assertThat(archive).as("postrm removed the archive").doesNotExist();
    assertThat(root.resolve("usr/share/nsvpn/nsvpn-cli.jar")).doesNotExist();
  }

  /**
   * dpkg on the throwaway root {@code root}: dependencies not checked (they are not installed
   * there), maintainer scripts run here with DPKG_ROOT set, no log.
   */
  private static Ip.Result dpkgInto(Path root, String action, String what) {
    return ok(
        "dpkg",
        "--root=" + root,
        "--force-depends",
        "--force-script-chrootless",
        "--log=/dev/null",
        action,
        what);
  }

  /** Copies regular files and symlinks of {@code from} into {@code to}, keeping what is there. */
  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : files.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        if (Files.isSymbolicLink(source)) {
          Files.createSymbolicLink(target, Files.readSymbolicLink(source));
        } else if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          try {
            Files.copy(source, target);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }
    }
  }
}
