package org.nsvpn.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.TopologyChange;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.rules.Chain;
import org.nsvpn.chainrules.vpn.VpnRedirectPlan;

class CascadeTest {

  private static Topology withVpn() {
    Topology base =
        Topology.builder()
            .put(Fixtures.router())
            .put(Fixtures.uplink())
            .put(Fixtures.host())
            .put(Fixtures.tenant())
            .put(Fixtures.route(1))
            .put(Fixtures.service())
            .put(Fixtures.connection())
            .build();
    VpnRedirectPlan plan = VpnRedirectPlan.request(base, Fixtures.SERVICE).compute();
    return base.apply(plan.installChange(base));
  }

  @Test
  void routerTakesItsPortsRoutesServicesAndPlanObjects() {
    Topology t = withVpn();
    TopologyChange change = Cascade.deletion(t, Fixtures.ROUTER);
    Topology after = t.apply(change);
    assertThat(after.routers()).isEmpty();
    assertThat(after.ports()).isEmpty();
    assertThat(after.routes()).isEmpty();
    assertThat(after.vpnServices()).isEmpty();
    assertThat(after.connections()).isEmpty();
    assertThat(after.chains()).as("the plan's own chain goes once empty").isEmpty();
    assertThat(after.hosts()).as("hosts are not under a router").hasSize(1);
  }

  @Test
  void vpnServiceTakesConnectionsNamespacePortRulesAndOwnedChain() {
    Topology t = withVpn();
    PortId nsPort = VpnRedirectPlan.namespacePortId(Fixtures.SERVICE);
    assertThat(t.port(nsPort)).isPresent();
    Topology after = t.apply(Cascade.deletion(t, Fixtures.SERVICE));
    assertThat(after.port(nsPort)).isEmpty();
    assertThat(after.connections()).isEmpty();
    assertThat(after.chains()).isEmpty();
    assertThat(after.router(Fixtures.ROUTER).orElseThrow().localRedirectChain()).isEmpty();
    assertThat(after.routes()).containsExactly(Fixtures.route(1));
    assertThat(after.ports()).hasSize(2);
  }

  @Test
  void portUnlinksItsPeerAndDropsRoutesAndRedirects() {
    RouterId other = RouterId.random();
    PortId a = PortId.random();
    PortId b = PortId.random();
    RouterPort pa =
        RouterPort.of(a, Fixtures.ROUTER, MacAddress.parse("02:00:00:00:00:0a"))
            .withPeer(Optional.of(b));
    RouterPort pb =
        RouterPort.of(
                b,
                other,
                MacAddress.parse("02:00:00:00:00:0b"),
                InterfaceAddress.parse("192.0.2.9/30"))
            .withPeer(Optional.of(a));
    Chain chain = Fixtures.chainWithRules();
    Topology t =
        Topology.builder()
            .put(Fixtures.router())
            .put(Router.of(other, "other"))
            .put(Fixtures.uplink())
            .put(Fixtures.host())
            .put(Fixtures.tenant())
            .put(pa)
            .put(pb)
            .put(chain)
            .put(Fixtures.route(2))
            .build();
    TopologyChange change = Cascade.deletion(t, Fixtures.TENANT);
    Topology after = t.apply(change);
    assertThat(after.chain(chain.id()).orElseThrow().rules())
        .as("the redirect to the port goes, the rule that only matches in-ports stays")
        .hasSize(1);
    assertThat(change.deletions()).containsExactly(Fixtures.TENANT);

    TopologyChange unlink = Cascade.deletion(after, a);
    Topology unlinked = after.apply(unlink);
    assertThat(unlinked.port(b).orElseThrow().peer()).isEmpty();
    List<EntityId> ids = unlink.upserts().stream().map(Identified::id).toList();
    assertThat(ids).containsExactly(b);
  }

  @Test
  void uplinkTakesTheServiceWhoseExternalIpOnlyItHolds() {
    Topology t = withVpn();
    TopologyChange change = Cascade.deletion(t, Fixtures.UPLINK);
    Topology after = t.apply(change);
    assertThat(after.vpnServices()).as("its external IP is on no port any more").isEmpty();
    assertThat(after.connections()).isEmpty();
    assertThat(after.port(VpnRedirectPlan.namespacePortId(Fixtures.SERVICE))).isEmpty();
    assertThat(after.routes())
        .as("route 1 goes via the uplink, the plan's via the namespace port")
        .isEmpty();

    RouterPort second =
        RouterPort.of(
            PortId.random(),
            Fixtures.ROUTER,
            MacAddress.parse("02:00:00:00:00:0c"),
            InterfaceAddress.parse("201.201.201.1/32"));
    Topology twoUplinks = t.apply(new TopologyChange(List.of(second), List.of()));
    assertThat(twoUplinks.apply(Cascade.deletion(twoUplinks, Fixtures.UPLINK)).vpnServices())
        .as("another port still holds the external IP")
        .hasSize(1);
    assertThat(Cascade.deletion(t, Fixtures.TENANT).deletions())
        .as("a port that does not hold the external IP")
        .containsExactly(Fixtures.TENANT);
  }

  @Test
  void absentObjectGivesEmptyChange() {
    assertThat(Cascade.deletion(Topology.EMPTY, Fixtures.ROUTER).isEmpty()).isTrue();
  }
}
