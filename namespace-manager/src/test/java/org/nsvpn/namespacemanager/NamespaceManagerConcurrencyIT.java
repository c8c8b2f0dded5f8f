package org.nsvpn.namespacemanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nsvpn.chainrules.vpn.NamespaceSpec;
import org.nsvpn.namespacemanager.rtnl.Link;
import org.nsvpn.namespacemanager.rtnl.RouteEntry;
import org.nsvpn.namespacemanager.testing.Ip;
import org.nsvpn.namespacemanager.testing.KernelResources;
import org.nsvpn.namespacemanager.testing.Specs;

class NamespaceManagerConcurrencyIT {
  private static final int NAMESPACES = 50;
  private static final int THREADS = 8;

  @RegisterExtension final KernelResources kernel = new KernelResources();

  @Test
  void fiftyNamespacesFromEightThreads() throws Exception {
    List<NamespaceSpec> specs = new ArrayList<>();
    for (int i = 0; i < NAMESPACES; i++) {
      specs.add(Specs.uniqueSeed002(kernel, "cc"));
    }
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try (NamespaceManager manager = NamespaceManager.create()) {
      List<Future<EnsureResult>> ensured = new ArrayList<>();
      for (NamespaceSpec spec : specs) {
        ensured.add(pool.submit(() -> manager.ensure(spec)));
      }
      for (Future<EnsureResult> result : ensured) {
        assertThat(result.get().kinds()).contains(ChangeKind.NAMESPACE_CREATED);
      }

      assertThat(Ip.namespaces()).containsAll(specs.stream().map(NamespaceSpec::name).toList());
      List<Future<?>> checked = new ArrayList<>();
      for (NamespaceSpec spec : specs) {
        checked.add(pool.submit(() -> assertRealised(manager, spec)));
      }
      for (Future<?> check : checked) {
        check.get();
      }
      assertOracleAgrees(specs.get(0));
      assertOracleAgrees(specs.get(NAMESPACES - 1));

      List<Future<Boolean>> removed = new ArrayList<>();
      for (NamespaceSpec spec : specs) {
        removed.add(pool.submit(() -> manager.remove(spec.name())));
      }
      for (Future<Boolean> r : removed) {
        assertThat(r.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(Ip.namespaces())
        .doesNotContainAnyElementsOf(specs.stream().map(NamespaceSpec::name).toList());
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> specs.stream().noneMatch(s -> Ip.hostLinkExists(s.hostInterfaceName())));
  }

  private static void assertRealised(NamespaceManager manager, NamespaceSpec spec) {
    assertThat(manager.ensure(spec).changes()).as(spec.name()).isEmpty();
    NamespaceState state = manager.inspect(spec.name());
    Link link = state.link(spec.interfaceName()).orElseThrow();
    assertThat(link.mac()).contains(spec.interfaceMac());
    assertThat(state.addresses())
        .filteredOn(a -> a.index() == link.index() && !a.isLinkScope())
        .extracting(a -> a.address())
        .containsExactlyInAnyOrderElementsOf(spec.addresses());
    assertThat(state.routes())
        .filteredOn(RouteEntry::isDefault)
        .singleElement()
        .satisfies(r -> assertThat(r.gateway()).contains(spec.defaultGateway()));
  }

  private static void assertOracleAgrees(NamespaceSpec spec) {
    JsonNode link = Ip.jsonIn(spec.name(), "link", "show", "dev", spec.interfaceName()).get(0);
    assertThat(link.get("address").asText()).isEqualTo(spec.interfaceMac().toString());
    JsonNode route = Ip.jsonIn(spec.name(), "-4", "route", "show", "default").get(0);
    assertThat(route.get("gateway").asText()).isEqualTo("169.254.1.1");
    assertThat(Ip.hostLinkExists(spec.hostInterfaceName())).isTrue();
  }
}
