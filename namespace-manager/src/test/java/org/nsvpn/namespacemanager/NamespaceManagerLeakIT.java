package org.nsvpn.namespacemanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nsvpn.chainrules.vpn.NamespaceSpec;
import org.nsvpn.namespacemanager.testing.Ip;
import org.nsvpn.namespacemanager.testing.KernelResources;
import org.nsvpn.namespacemanager.testing.Specs;

/** 200 create/ensure/remove cycles leave no namespace, veth, mount or file descriptor behind. */
class NamespaceManagerLeakIT {
  private static final int CYCLES = 200;

  @RegisterExtension final KernelResources kernel = new KernelResources();

  @Test
  void twoHundredCyclesLeaveNothingBehind() throws Exception {
    try (NamespaceManager manager = NamespaceManager.create()) {
      // Warm up: class loading and jnr-ffi stubs open files once, and that is not a leak.
      cycle(manager, Specs.uniqueSeed002(kernel, "lk"));
      List<String> fdsBefore = openFileDescriptors();

      List<NamespaceSpec> specs = new ArrayList<>();
      for (int i = 0; i < CYCLES; i++) {
        NamespaceSpec spec = Specs.uniqueSeed002(kernel, "lk");
        specs.add(spec);
        cycle(manager, spec);
      }

      assertThat(openFileDescriptors()).as("open file descriptors").isEqualTo(fdsBefore);
      List<String> names = specs.stream().map(NamespaceSpec::name).toList();
      assertThat(Ip.namespaces()).doesNotContainAnyElementsOf(names);
      assertThat(mountsMentioning(names)).isEmpty();
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> specs.stream().noneMatch(s -> Ip.hostLinkExists(s.hostInterfaceName())));
    }
  }

  private static void cycle(NamespaceManager manager, NamespaceSpec spec) {
    assertThat(manager.ensure(spec).changed()).isTrue();
    assertThat(manager.ensure(spec).changed()).isFalse();
    assertThat(manager.remove(spec.name())).isTrue();
  }

  /** Descriptor numbers with their targets, so a failure shows what leaked. */
  private static List<String> openFileDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.map(
              fd -> {
                try {
                  return fd.getFileName() + " -> " + Files.readSymbolicLink(fd);
                } catch (IOException e) {
                  return fd.getFileName() + " (closed while listing)";
                }
              })
          .filter(s -> !s.contains("closed while listing") && !s.contains("/proc/"))
          .sorted()
          .toList();
    }
  }

  private static List<String> mountsMentioning(List<String> names) throws IOException {
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
        .filter(line -> names.stream().anyMatch(line::contains))
        .toList();
  }
}
