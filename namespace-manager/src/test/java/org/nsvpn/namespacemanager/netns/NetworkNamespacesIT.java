package org.nsvpn.namespacemanager.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.namespacemanager.ffi.Syscalls;
import org.nsvpn.namespacemanager.testing.Ip;
import org.nsvpn.namespacemanager.testing.KernelResources;

class NetworkNamespacesIT {
  @RegisterExtension final KernelResources kernel = new KernelResources();

  private final NetworkNamespaces namespaces = NetworkNamespaces.system();

  private String name() {
    return kernel.namespace(KernelResources.unique("nsit-"));
  }

  private static String ownNamespace() throws Exception {
    return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
  }

  @Test
  void removalsByIproute2AreReported() throws Exception {
    String name = name();
    namespaces.create(name);
    java.util.concurrent.BlockingQueue<String> removed =
        new java.util.concurrent.LinkedBlockingQueue<>();
    AutoCloseable watch = namespaces.watchRemovals(removed::add);
    try {
      assertThat(Ip.exec("ip", "netns", "del", name).ok()).isTrue();
      String seen = removed.poll(5, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(seen).isEqualTo(name);
    } finally {
      watch.close();
    }
  }

  @Test
  void createdNamespacesAreIproute2Namespaces() {
    String name = name();
    namespaces.create(name);

    assertThat(namespaces.exists(name)).isTrue();
    assertThat(namespaces.list()).contains(name);
    assertThat(Ip.namespaces()).contains(name);
    Ip.Result exec = Ip.exec("ip", "netns", "exec", name, "ip", "-j", "link", "show", "lo");
    assertThat(exec.ok()).as(exec.stderr()).isTrue();
    assertThat(exec.stdout()).contains("\"ifname\":\"lo\"");
    Ip.Result propagation = Ip.exec("findmnt", "-n", "-o", "PROPAGATION", "/run/netns");
    assertThat(propagation.stdout().trim()).isEqualTo("shared");

    assertThat(namespaces.delete(name)).isTrue();
    assertThat(namespaces.exists(name)).isFalse();
    assertThat(Ip.namespaces()).doesNotContain(name);
    assertThat(namespaces.delete(name)).as("idempotent").isFalse();
  }

  @Test
  void namespacesMadeByIpAreSeenAndRemoved() {
    String name = name();
    Ip.ip("netns", "add", name);
    assertThat(namespaces.exists(name)).isTrue();
    assertThat(namespaces.list()).contains(name);
    assertThat(namespaces.delete(name)).isTrue();
    assertThat(Ip.namespaces()).doesNotContain(name);
  }

  @Test
  void runEntersTheNamespaceOnAnotherThreadAndLeavesTheCallerAlone() throws Exception {
    String name = name();
    String created = namespaces.create(name, NetworkNamespacesIT::ownNamespaceUnchecked);
    String caller = ownNamespace();

    String inside = namespaces.run(name, NetworkNamespacesIT::ownNamespaceUnchecked);

    assertThat(inside).isEqualTo(created).isNotEqualTo(caller);
    assertThat(ownNamespace()).isEqualTo(caller);
    assertThat(namespaces.run(name, () -> Thread.currentThread().getName()))
        .isNotEqualTo(Thread.currentThread().getName());
  }

  @Test
  void workersGoBackToTheHostNamespaceAfterEachTask() throws Exception {
    String name = name();
    String home = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
    int creator = namespaces.create(name, Syscalls::gettid);
    int runner = namespaces.run(name, Syscalls::gettid);

    for (int tid : new int[] {creator, runner}) {
      Path link = Path.of("/proc/self/task/" + tid + "/ns/net");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !Files.exists(link) || Files.readSymbolicLink(link).toString().equals(home));
    }
  }

  private static String ownNamespaceUnchecked() {
    try {
      return ownNamespace();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void duplicateCreateIsATypedErrorAndKeepsTheFirst() {
    String name = name();
    namespaces.create(name);
    String before = namespaces.run(name, NetworkNamespacesIT::ownNamespaceUnchecked);

    assertThatThrownBy(() -> namespaces.create(name))
        .isInstanceOf(NamespaceExistsException.class)
        .hasMessageContaining(name);
    assertThat(namespaces.run(name, NetworkNamespacesIT::ownNamespaceUnchecked)).isEqualTo(before);
  }

  @Test
  void missingNamespaceIsATypedError() {
    String name = KernelResources.unique("nsit-");
    assertThat(namespaces.exists(name)).isFalse();
    assertThatThrownBy(() -> namespaces.run(name, () -> 1))
        .isInstanceOf(NoSuchNamespaceException.class)
        .hasMessageContaining(name);
  }

  @Test
  void aFailingFirstTaskDeletesTheNewNamespace() {
    String name = name();
    assertThatThrownBy(
            () ->
                namespaces.create(
                    name,
                    () -> {
                      throw new IllegalStateException("boom");
                    }))
        .hasMessage("boom");
    assertThat(namespaces.exists(name)).isFalse();
    assertThat(Files.exists(namespaces.path(name))).isFalse();
  }

  @Test
  void aStaleFileIsNotANamespaceAndDeleteClearsIt() throws Exception {
    String name = name();
    namespaces.create(name);
    namespaces.delete(name);
    Files.createFile(namespaces.path(name));

    assertThat(namespaces.exists(name)).isFalse();
    assertThat(namespaces.list()).doesNotContain(name);
    assertThatThrownBy(() -> namespaces.create(name)).isInstanceOf(NamespaceExistsException.class);
    assertThat(namespaces.delete(name)).isTrue();
    assertThat(Files.exists(namespaces.path(name))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        ".",
        "..",
        "../etc",
        "a/b",
        "name with space",
        "-leading-dash",
        "x;rm",
        "this-name-is-far-too-long-for-a-namespace-because-it-has-64-chars"
      })
  void badNamesAreRefusedBeforeTouchingAnything(String bad) {
    Path escaped = namespaces.directory().resolve(bad).normalize();
    boolean existedBefore = Files.exists(escaped);
    assertThatThrownBy(() -> namespaces.create(bad)).isInstanceOf(InvalidValueException.class);
    assertThatThrownBy(() -> namespaces.exists(bad)).isInstanceOf(InvalidValueException.class);
    assertThatThrownBy(() -> namespaces.delete(bad)).isInstanceOf(InvalidValueException.class);
    assertThatThrownBy(() -> namespaces.run(bad, () -> 1))
        .isInstanceOf(InvalidValueException.class);
    assertThat(Files.exists(escaped)).isEqualTo(existedBefore);
  }
}
