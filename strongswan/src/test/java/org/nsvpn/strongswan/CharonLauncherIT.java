package org.nsvpn.strongswan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.namespacemanager.netns.NetworkNamespaces;
import org.nsvpn.namespacemanager.netns.NoSuchNamespaceException;
import org.nsvpn.namespacemanager.testing.Ip;
import org.nsvpn.namespacemanager.testing.KernelResources;
import org.nsvpn.strongswan.vici.ViciSection;

/** Starting, adopting and stopping charon in namespaces, checked through /proc and iproute2. */
class CharonLauncherIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @RegisterExtension final KernelResources kernel = new KernelResources();

  @BeforeAll
  static void charonIsInstalled() {
    CharonFixture.requireCharon();
  }

  @AfterEach
  void cleanUp() {
    CharonFixture.cleanUp();
  }

  private String namespace() {
    String name = kernel.namespace(KernelResources.unique("ssl-"));
    NetworkNamespaces.system().create(name);
    return name;
  }

  private static <T> T await(CompletableFuture<T> future) {
    return future.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
  }

  @Test
  void startsCharonInsideTheNamespaceWithAPrivateRun() throws Exception {
    String namespace = namespace();
    StrongSwan service = CharonFixture.service();
    CharonInstance charon = await(service.startOrAdopt(namespace));
    long pid = charon.pid();

    assertThat(charon.state()).isEqualTo(InstanceState.RUNNING);
    assertThat(charon.adopted()).isFalse();
    assertThat(CharonFixture.isCharon(pid)).isTrue();
    assertThat(Ip.ip("netns", "pids", namespace).lines().toList())
        .as("iproute2 sees charon in the namespace")
        .contains(Long.toString(pid));
    assertThat(Files.getAttribute(Path.of("/proc/" + pid + "/ns/net"), "unix:ino"))
        .isEqualTo(Files.getAttribute(Path.of("/run/netns/" + namespace), "unix:ino"));
    assertThat(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/mnt")))
        .as("a mount namespace of its own")
        .isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")));
    Path home = Files.readSymbolicLink(Path.of("/proc/self/ns/net"));
    Awaitility.await("no thread of ours stays in the namespace")
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(threadsOutside(home)).isEmpty());

    Path dir = charon.directory();
    assertThat(dir).isEqualTo(service.config().stateRoot().resolve(namespace));
    assertThat(Files.readString(dir.resolve("charon.pid")).trim()).isEqualTo(Long.toString(pid));
    assertThat(mode(dir)).isEqualTo("rwx------");
    assertThat(mode(dir.resolve("strongswan.conf"))).isEqualTo("rw-------");
    assertThat(mode(dir.resolve("charon.vici"))).isEqualTo("rwx------");
    assertThat(mode(dir.resolve("charon.enfy"))).isEqualTo("rwx------");
    String conf = Files.readString(dir.resolve("strongswan.conf"));
    assertThat(conf)
        .contains("load_modular = no")
        .contains(" kdf ")
        .contains(" vici error-notify")
        .contains("socket = unix:///run/charon.vici")
        .contains("threads = 12")
        .contains(charon.backend().plugins().get(0));
    assertThat(Files.readString(dir.resolve("charon.log"))).contains("Starting IKE charon daemon");
    assertThat(
            new String(
                Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8))
        .as("argv is just the binary")
        .isEqualTo(CharonFixture.CHARON + "\0");
    assertThat(
            new String(
                Files.readAllBytes(Path.of("/proc/" + pid + "/environ")), StandardCharsets.UTF_8))
        .as("environment is just the config path")
        .isEqualTo("STRONGSWAN_CONF=/run/strongswan.conf\0");

    ViciSection version = await(charon.vici().request("version", ViciSection.empty()));
    assertThat(version.text("daemon")).contains("charon");
    ViciSection stats = await(charon.vici().request("stats", ViciSection.empty()));
    assertThat(stats.section("workers").flatMap(w -> w.number("total"))).contains(12L);

    await(charon.stop());
    assertThat(charon.state()).isEqualTo(InstanceState.STOPPED);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(dir.resolve("charon.pid")).doesNotExist();
    assertThat(dir.resolve("charon.vici")).doesNotExist();
    assertThat(await(charon.stop())).as("idempotent").isNull();
  }

  @Test
  void charonsOfTwoNamespacesRunSideBySide() throws Exception {
    String first = namespace();
    String second = namespace();
    StrongSwan service = CharonFixture.service();
    CompletableFuture<CharonInstance> a = service.startOrAdopt(first);
    CompletableFuture<CharonInstance> b = service.startOrAdopt(second);
    CharonInstance charonA = await(a);
    CharonInstance charonB = await(b);
    assertThat(charonA.pid()).isNotEqualTo(charonB.pid());
    assertThat(Ip.ip("netns", "pids", first).lines().toList())
        .containsExactly(Long.toString(charonA.pid()));
    assertThat(Ip.ip("netns", "pids", second).lines().toList())
        .containsExactly(Long.toString(charonB.pid()));
    assertThat(await(charonA.vici().request("version", ViciSection.empty())).text("daemon"))
        .contains("charon");
    assertThat(await(charonB.vici().request("version", ViciSection.empty())).text("daemon"))
        .contains("charon");
    await(charonA.stop());
    await(charonB.stop());
  }

  @Test
  void aClosedHandleLeavesCharonRunningAndTheNextOneAdoptsIt() {
    String namespace = namespace();
    StrongSwanConfig config = StrongSwanConfig.defaults().withStateRoot(CharonFixture.stateRoot());
    StrongSwan first = CharonFixture.service(config);
    CharonInstance charon = await(first.startOrAdopt(namespace));
    assertThatThrownBy(() -> await(first.startOrAdopt(namespace)))
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is open; close it first");

    charon.close();
    charon.close();
    assertThat(charon.state()).isEqualTo(InstanceState.CLOSED);
    assertThat(CharonFixture.isCharon(charon.pid())).as("still running").isTrue();
    first.close();

    StrongSwan second = CharonFixture.service(config);
    CharonInstance adopted = await(second.startOrAdopt(namespace));
    assertThat(adopted.adopted()).isTrue();
    assertThat(adopted.pid()).isEqualTo(charon.pid());
    assertThat(Ip.ip("netns", "pids", namespace).lines().toList())
        .as("no second charon")
        .containsExactly(Long.toString(charon.pid()));
    await(adopted.stop());
  }

  @Test
  void aCharonThatIgnoresSigtermIsKilledAfterTheStopTimeout() {
    String namespace = namespace();
    StrongSwan service =
        CharonFixture.service(
            StrongSwanConfig.defaults()
                .withStateRoot(CharonFixture.stateRoot())
                .withStopTimeout(Duration.ofMillis(300)));
    CharonInstance charon = await(service.startOrAdopt(namespace));
    long pid = charon.pid();
    // A stopped process keeps SIGTERM pending; only SIGKILL ends it.
    assertThat(Ip.exec("kill", "-STOP", Long.toString(pid)).ok()).isTrue();

    await(charon.stop());

    assertThat(charon.state()).isEqualTo(InstanceState.STOPPED);
    assertThat(CharonLauncher.exitStatus(pid)).contains("signal 9");
    assertThat(ProcessHandle.of(pid)).isEmpty();
    assertThat(charon.directory().resolve("charon.pid")).as("removed for charon").doesNotExist();
  }

  @Test
  void refusesBadNamesAndMissingNamespacesBeforeTouchingAnything() throws Exception {
    StrongSwan service = CharonFixture.service();
    assertThatThrownBy(() -> service.startOrAdopt("../etc"))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("namespace name");
    String missing = KernelResources.unique("ssl-missing-");
    assertThatThrownBy(() -> await(service.startOrAdopt(missing)))
        .hasCauseInstanceOf(NoSuchNamespaceException.class);
    try (var entries = Files.list(service.config().stateRoot())) {
      assertThat(entries.toList()).isEmpty();
    }
  }

  @Test
  void aCharonThatCannotStartIsReportedWithItsStatusAndLeavesNothingRunning() {
    String namespace = namespace();
    StrongSwan failing =
        CharonFixture.service(
            StrongSwanConfig.defaults()
                .withStateRoot(CharonFixture.stateRoot())
                .withCharonBinary(Path.of("/bin/false")));
    assertThatThrownBy(() -> await(failing.startOrAdopt(namespace)))
        .hasCauseInstanceOf(CharonException.class)
        .hasMessageContaining("exited with status 1 before it could answer on VICI");
    assertThat(Ip.ip("netns", "pids", namespace)).isBlank();

    StrongSwan working = CharonFixture.service();
    CharonInstance charon = await(working.startOrAdopt(namespace));
    assertThat(charon.state()).isEqualTo(InstanceState.RUNNING);
    await(charon.stop());
  }

  @Test
  void aCharonNsvpnDidNotStartIsRefusedNotAdopted() throws Exception {
    String namespace = namespace();
    StockCharon foreign = StockCharon.start(namespace, Backend.KERNEL_LIBIPSEC);
    try {
      StrongSwan service = CharonFixture.service();
      assertThatThrownBy(() -> await(service.startOrAdopt(namespace)))
          .hasCauseInstanceOf(CharonException.class)
          .hasMessageContaining("already runs in namespace " + namespace)
          .hasMessageContaining("not started by nsvpn");
      assertThat(Ip.ip("netns", "pids", namespace).lines().toList())
          .containsExactly(Long.toString(foreign.pid()));
    } finally {
      foreign.stop();
    }
  }

  @Test
  void theBackendFollowsWhatTheKernelCanDo() {
    StrongSwan service = CharonFixture.service();
    Backend backend = await(service.backend());
    String namespace = namespace();
    Ip.Result oracle =
        Ip.exec(
            "ip",
            "-n",
            namespace,
            "xfrm",
            "state",
            "add",
            "src",
            "192.0.2.1",
            "dst",
            "192.0.2.2",
            "proto",
            "esp",
            "spi",
            "0x200",
            "mode",
            "tunnel",
            "enc",
            "cbc(aes)",
            "0x00000000000000000000000000000000",
            "auth-trunc",
            "hmac(sha256)",
            "0x0000000000000000000000000000000000000000000000000000000000000000",
            "128");
    assertThat(backend).isEqualTo(oracle.ok() ? Backend.KERNEL_NETLINK : Backend.KERNEL_LIBIPSEC);
    assertThat(NetworkNamespaces.system().list()).noneMatch(n -> n.startsWith("nsvpn-probe-"));
  }

  private static String mode(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  /** The names of this process's threads whose network namespace is not {@code home}. */
  private static List<String> threadsOutside(Path home) throws Exception {
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      return tasks
          .map(
              task -> {
                try {
                  Path namespace = Files.readSymbolicLink(task.resolve("ns/net"));
                  return namespace.equals(home)
                      ? null
                      : Files.readString(task.resolve("comm")).trim() + " in " + namespace;
                } catch (java.io.IOException e) {
                  return null; // the thread ended meanwhile
                }
              })
          .filter(java.util.Objects::nonNull)
          .toList();
    }
  }
}
