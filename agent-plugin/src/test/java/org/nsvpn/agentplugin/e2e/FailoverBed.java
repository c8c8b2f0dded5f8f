package org.nsvpn.agentplugin.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.nsvpn.agentplugin.multihost.MultiHostTestbed;
import org.nsvpn.agentplugin.multihost.MultiHostTestbed.SimHost;
import org.nsvpn.chainrules.id.GatewayGroupId;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.GatewayGroup;
import org.nsvpn.chainrules.model.Host;
import org.nsvpn.chainrules.vpn.VpnNames;
import org.nsvpn.namespacemanager.testing.KernelResources;
import org.nsvpn.strongswan.Backend;
import org.nsvpn.strongswan.CharonFixture;
import org.nsvpn.strongswan.StockCharon;
import org.nsvpn.topology.ObjectKind;
import org.nsvpn.topology.StoreTransaction;
import org.nsvpn.topology.Versioned;
import org.nsvpn.topology.status.GatewayAssignment;
import org.nsvpn.topology.status.PlacementReason;

/**
 * The failover testbed, for {@link FailoverIT} and {@link FailoverBench}: three hosts of a {@link
 * MultiHostTestbed}; host 1 carries VM A and both routers' uplinks (compute and edge), hosts 2 and
 * 3 form gateway group gw0, over which the scheduler places vpnA and vpnB; site C is a stock
 * strongSwan. Returns from {@link #start} once VM A reaches VM B and site C.
 */
final class FailoverBed implements AutoCloseable {
  static final Duration TUNNEL = Duration.ofSeconds(60);

  final KernelResources kernel = new KernelResources();
  MultiHostTestbed hosts;
  VpnTestbed bed;
  private StockCharon siteC;

  static FailoverBed start() {
    CharonFixture.requireCharon();
    FailoverBed f = new FailoverBed();
    try {
      f.build();
      return f;
    } catch (RuntimeException | Error e) {
      f.close();
      throw e;
    }
  }

  private void build() {
    kernel.beforeAll(null);
    hosts = MultiHostTestbed.start(3);
    SimHost one = hosts.host(1);
    VpnTestbed.Placement placement =
        new VpnTestbed.Placement(
            Optional.of(one.namespace),
            one.hostId(),
            Optional.of(one.namespace),
            one.hostId(),
            Optional.of(one.namespace),
            one.hostId());
    bed = VpnTestbed.createAcross(kernel, placement);
    siteC = StockCharon.start(bed.siteC, Backend.KERNEL_LIBIPSEC);
    siteC.loadAll(bed.siteCConfig());
    GatewayGroup gw0 =
        new GatewayGroup(
            GatewayGroupId.random(), "gw0", Set.of(hosts.host(2).hostId(), hosts.host(3).hostId()));
    hosts.store().commit(bed.topology(placement, true, Optional.of(gw0)));
    awaitPing(bed.vmA, "10.2.0.10");
    awaitPing(bed.vmA, "10.3.0.1");
  }

  static void awaitPing(String from, String to) {
    await(from + " reaches " + to)
        .atMost(TUNNEL)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> VpnTestbed.ping(from, to).ok());
  }

  GatewayAssignment assignment(VpnServiceId service) {
    return hosts.store().status().assignment(service).orElseThrow();
  }

  SimHost hostOf(HostId id) {
    for (int i = 1; i <= 3; i++) {
      if (hosts.host(i).hostId().equals(id)) {
        return hosts.host(i);
      }
    }
    throw new AssertionError("no host " + id);
  }

  /** The other gateway. */
  SimHost other(SimHost gateway) {
    return gateway.index == 2 ? hosts.host(3) : hosts.host(2);
  }

  /** Waits until {@code service} is assigned to {@code to}; checks the reason. */
  GatewayAssignment awaitMoved(VpnServiceId service, SimHost to, PlacementReason why) {
    await(service + " assigned to host " + to.index + " (" + why.text() + ")")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(10))
        .until(
            () ->
                hosts
                    .store()
                    .status()
                    .assignment(service)
                    .map(a -> a.host().equals(to.hostId()))
                    .orElse(false));
    GatewayAssignment a = assignment(service);
    assertThat(a.reason()).isEqualTo(why);
    return a;
  }

  /** Waits until {@code service}'s namespace exists on {@code host} and on no other host. */
  void awaitOnlyOn(VpnServiceId service, SimHost host) {
    String ns = VpnNames.namespace(service);
    await(ns + " only on host " + host.index)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                host.vpnNamespaces().contains(ns)
                    && !other(host).vpnNamespaces().contains(ns)
                    && !hosts.host(1).vpnNamespaces().contains(ns));
  }

  void setMaintenance(SimHost host, boolean on) {
    Versioned<Host> h = hosts.store().refresh().get(ObjectKind.HOST, host.hostId()).orElseThrow();
    hosts
        .store()
        .commit(
            StoreTransaction.builder().update(h.value().withMaintenance(on), h.version()).build());
  }

  @Override
  public void close() {
    try {
      if (hosts != null && bed != null) {
        hosts.store().deleteCascading(bed.serviceA);
        hosts.store().deleteCascading(bed.serviceB);
        await("VPN namespaces removed")
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    List.of(1, 2, 3).stream()
                        .allMatch(
                            i ->
                                !hosts.host(i).agentAlive()
                                    || hosts.host(i).vpnNamespaces().isEmpty()));
      }
    } finally {
      if (siteC != null) {
        siteC.stop();
      }
      if (hosts != null) {
        hosts.close();
      }
      kernel.afterEach(null);
      CharonFixture.cleanUp();
    }
  }
}
