package org.nsvpn.chainrules.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.id.BridgeId;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.GatewayGroupId;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouteId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.RuleId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.routing.Route;
import org.nsvpn.chainrules.routing.RouteType;
import org.nsvpn.chainrules.rules.Chain;
import org.nsvpn.chainrules.rules.Condition;
import org.nsvpn.chainrules.rules.JumpRule;
import org.nsvpn.chainrules.rules.L2TransformRule;
import org.nsvpn.chainrules.rules.LiteralAction;
import org.nsvpn.chainrules.rules.LiteralRule;
import org.nsvpn.chainrules.rules.RedirectAction;

class TopologyTest {
  private final RouterId routerId = RouterId.random();
  private final Router router = Router.of(routerId, "router0");
  private final RouterPort uplink =
      RouterPort.of(
          PortId.random(),
          routerId,
          MacAddress.parse("ac:ca:ba:4a:61:c5"),
          InterfaceAddress.parse("203.0.113.1/24"));
  private final BridgeId bridgeId = BridgeId.random();
  private final HostId hostId = HostId.random();

  private Topology.Builder base() {
    return Topology.builder()
        .put(router)
        .put(uplink)
        .put(Bridge.of(bridgeId, "bridge0"))
        .put(new Host(hostId, "host0"));
  }

  @Test
  void holdsAndFindsObjects() {
    Topology t = base().build();
    assertThat(t.router(routerId)).contains(router);
    assertThat(t.ports(routerId)).containsExactly(uplink);
    assertThat(t.routerPorts(routerId)).containsExactly(uplink);
    assertThat(t.find(uplink.id())).contains(uplink);
    assertThat(t.find(PortId.random())).isEmpty();
    assertThat(t.bridge(bridgeId)).isPresent();
    assertThat(t.host(hostId)).isPresent();
    assertThat(t.toBuilder().build()).isEqualTo(t).hasSameHashCodeAs(t);
  }

  @Test
  void impliesLocalAndConnectedRoutesForPortAddresses() {
    Topology t = base().build();
    Route local =
        t.routeTable(routerId)
            .lookup(IpAddress.parse("198.51.100.1"), IpAddress.parse("203.0.113.1"))
            .orElseThrow();
    assertThat(local.type()).isEqualTo(RouteType.LOCAL);
    assertThat(local.nextHopPort()).contains(uplink.id());
    Route connected =
        t.routeTable(routerId)
            .lookup(IpAddress.parse("198.51.100.1"), IpAddress.parse("203.0.113.77"))
            .orElseThrow();
    assertThat(connected.type()).isEqualTo(RouteType.NORMAL);
    assertThat(connected.destination()).isEqualTo(IpSubnet.parse("203.0.113.0/24"));
    assertThat(connected.nextHopGateway()).isEmpty();
    assertThat(
            t.routeTable(routerId)
                .lookup(IpAddress.parse("198.51.100.1"), IpAddress.parse("192.0.2.1")))
        .isEmpty();
    assertThat(t.routeTable(routerId)).as("cached per snapshot").isSameAs(t.routeTable(routerId));
    assertThat(Topology.impliedRoutes(uplink))
        .extracting(Route::id)
        .isEqualTo(Topology.impliedRoutes(uplink).stream().map(Route::id).toList());
  }

  @Test
  void explicitRoutesJoinTheImpliedOnes() {
    Route def =
        Route.normal(
            RouteId.random(),
            routerId,
            IpSubnet.parse("0.0.0.0/0"),
            uplink.id(),
            Optional.of(IpAddress.parse("203.0.113.254")));
    Topology t = base().put(def).build();
    assertThat(t.routes(routerId)).containsExactly(def);
    assertThat(
            t.routeTable(routerId)
                .lookup(IpAddress.parse("10.0.0.1"), IpAddress.parse("192.0.2.1")))
        .contains(def);
  }

  @Test
  void reportsEveryDanglingReference() {
    PortId missingPeer = PortId.random();
    ChainId missingChain = ChainId.random();
    PortId missingTarget = PortId.random();
    RouterPort orphan =
        RouterPort.of(PortId.random(), RouterId.random(), MacAddress.parse("02:00:00:00:00:01"));
    BridgePort linked = BridgePort.of(PortId.random(), bridgeId).withPeer(Optional.of(missingPeer));
    BridgePort bound =
        BridgePort.of(PortId.random(), bridgeId)
            .withBinding(Optional.of(new HostBinding(HostId.random(), "eth0")));
    Chain redirecting =
        new Chain(
            ChainId.random(),
            "c",
            List.of(
                new L2TransformRule(
                    RuleId.random(), Condition.ANY, RedirectAction.to(missingTarget))));
    Route foreignHop =
        new Route(
            RouteId.random(),
            routerId,
            IpSubnet.parse("0.0.0.0/0"),
            IpSubnet.parse("10.0.0.0/8"),
            RouteType.NORMAL,
            Optional.of(orphan.id()),
            Optional.empty(),
            100);
    VpnService service =
        new VpnService(
            VpnServiceId.random(), "vpn0", RouterId.random(), IpAddress.parse("203.0.113.1"), true);
    IpsecSiteConnection conn = IpsecSiteConnectionTest.valid().build();

    assertThatThrownBy(
            () ->
                base()
                    .put(router.withInboundFilter(Optional.of(missingChain)))
                    .putAll(List.of(orphan, linked, bound, redirecting, foreignHop, service, conn))
                    .build())
        .isInstanceOfSatisfying(
            InconsistentTopologyException.class,
            e ->
                assertThat(e.problems())
                    .anySatisfy(p -> assertThat(p).contains("belongs to missing router"))
                    .anySatisfy(
                        p -> assertThat(p).contains("is linked to missing port " + missingPeer))
                    .anySatisfy(p -> assertThat(p).contains("is bound to missing host"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .contains("inbound-filter names missing chain " + missingChain))
                    .anySatisfy(
                        p -> assertThat(p).contains("redirects to missing port " + missingTarget))
                    .anySatisfy(
                        p -> assertThat(p).contains("which is not a port of router " + routerId))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .contains("vpn-service vpn0 is attached to missing router"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .contains(
                                    "ipsec-site-connection site-b belongs to missing vpn-service"))
                    .hasSize(8));
  }

  @Test
  void gatewayGroupsNameExistingHostsAndServicesNameExistingGroups() {
    HostId member = HostId.random();
    HostId missingHost = HostId.random();
    GatewayGroup group =
        new GatewayGroup(GatewayGroupId.random(), "gw0", java.util.Set.of(member, missingHost));
    VpnService grouped =
        new VpnService(
            VpnServiceId.random(),
            "vpn0",
            routerId,
            IpAddress.parse("203.0.113.1"),
            true,
            Optional.of(GatewayGroupId.random()));
    assertThatThrownBy(() -> base().put(new Host(member, "h1")).put(group).put(grouped).build())
        .isInstanceOfSatisfying(
            InconsistentTopologyException.class,
            e ->
                assertThat(e.problems())
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .contains(
                                    "gateway-group gw0 has missing member host " + missingHost))
                    .anySatisfy(
                        p -> assertThat(p).contains("vpn-service vpn0 names missing gateway-group"))
                    .hasSize(2));
    Topology ok =
        base()
            .put(new Host(member, "h1"))
            .put(group.withMembers(java.util.Set.of(member)))
            .put(grouped.withGatewayGroup(Optional.of(group.id())))
            .build();
    assertThat(ok.gatewayGroup(group.id()).orElseThrow().members()).containsExactly(member);
    assertThat(ok.find(group.id())).isPresent();
    assertThat(ok.toBuilder().remove(grouped.id()).remove(group.id()).build().gatewayGroups())
        .isEmpty();
  }

  @Test
  void linksMustBeMutualAndBindingsUnique() {
    BridgePort a = BridgePort.of(PortId.random(), bridgeId);
    RouterPort b =
        RouterPort.of(
            PortId.random(),
            routerId,
            MacAddress.parse("02:00:00:00:00:02"),
            InterfaceAddress.parse("10.0.0.1/24"));
    assertThatThrownBy(() -> base().put(a.withPeer(Optional.of(b.id()))).put(b).build())
        .hasMessageContaining("which is not linked back");
    Topology linked =
        base().put(a.withPeer(Optional.of(b.id()))).put(b.withPeer(Optional.of(a.id()))).build();
    assertThat(linked.port(a.id()).orElseThrow().isInterior()).isTrue();

    HostBinding eth1 = new HostBinding(hostId, "eth1");
    assertThatThrownBy(
            () ->
                base()
                    .put(a.withBinding(Optional.of(eth1)))
                    .put(BridgePort.of(PortId.random(), bridgeId).withBinding(Optional.of(eth1)))
                    .build())
        .hasMessageContaining("are both bound to interface eth1");
    Topology bound = base().put(a.withBinding(Optional.of(eth1))).build();
    assertThat(bound.portBoundTo(hostId, "eth1")).contains(a.withBinding(Optional.of(eth1)));
    assertThat(bound.portBoundTo(hostId, "eth2")).isEmpty();
  }

  @Test
  void jumpCyclesMakeTheTopologyInconsistent() {
    ChainId x = ChainId.random();
    ChainId y = ChainId.random();
    assertThatThrownBy(
            () ->
                base()
                    .put(
                        new Chain(x, "x", List.of(new JumpRule(RuleId.random(), Condition.ANY, y))))
                    .put(
                        new Chain(y, "y", List.of(new JumpRule(RuleId.random(), Condition.ANY, x))))
                    .build())
        .isInstanceOf(InconsistentTopologyException.class)
        .hasMessageContaining("jump cycle");
  }

  @Test
  void applyIsAtomic() {
    Topology t = base().build();
    Chain chain = Chain.empty(ChainId.random(), "redirect");
    TopologyChange ok =
        new TopologyChange(
            List.of(chain, router.withLocalRedirectChain(Optional.of(chain.id()))), List.of());
    Topology after = t.apply(ok);
    assertThat(after.router(routerId).orElseThrow().localRedirectChain()).contains(chain.id());
    assertThat(t.router(routerId).orElseThrow().localRedirectChain())
        .as("original untouched")
        .isEmpty();
    assertThat(after.apply(TopologyChange.EMPTY)).isSameAs(after);

    TopologyChange dangling = new TopologyChange(List.of(), List.of(chain.id()));
    assertThatThrownBy(() -> after.apply(dangling))
        .hasMessageContaining("local-redirect-chain names missing chain");
    assertThat(after.chain(chain.id())).contains(chain);

    Topology removed = after.apply(new TopologyChange(List.of(router), List.of(chain.id())));
    assertThat(removed.chains()).isEmpty();
  }

  @Test
  void changesRefuseContradictions() {
    assertThatThrownBy(() -> new TopologyChange(List.of(router, router), List.of()))
        .hasMessageContaining("written twice");
    assertThatThrownBy(() -> new TopologyChange(List.of(router), List.of(routerId)))
        .hasMessageContaining("both written and deleted");
  }

  @Test
  void rulesLiveInChainsNotInTheTopology() {
    LiteralRule rule = new LiteralRule(RuleId.random(), Condition.ANY, LiteralAction.DROP);
    assertThatThrownBy(() -> Topology.builder().put(rule))
        .hasMessageContaining("does not hold LiteralRule");
    assertThatThrownBy(() -> Topology.builder().remove(rule.id()))
        .hasMessageContaining("no objects with ids of type RuleId");
  }

  @Test
  void portsRefuseInvalidShapes() {
    assertThatThrownBy(
            () -> RouterPort.of(PortId.random(), routerId, MacAddress.parse("01:00:5e:00:00:01")))
        .hasMessageStartingWith(
            "mac: invalid value '01:00:5e:00:00:01': must be a unicast address");
    assertThatThrownBy(
            () ->
                RouterPort.of(
                    PortId.random(),
                    routerId,
                    MacAddress.parse("02:00:00:00:00:01"),
                    InterfaceAddress.parse("10.0.0.1/24"),
                    InterfaceAddress.parse("10.0.0.1/16")))
        .hasMessageContaining("address listed twice");
    PortId self = PortId.random();
    assertThatThrownBy(
            () -> new BridgePort(self, bridgeId, true, Optional.of(self), Optional.empty()))
        .hasMessageContaining("cannot be linked to itself");
    assertThatThrownBy(
            () ->
                new BridgePort(
                    PortId.random(),
                    bridgeId,
                    true,
                    Optional.of(PortId.random()),
                    Optional.of(new HostBinding(hostId, "eth0"))))
        .hasMessageContaining("only exterior ports can be bound");
    assertThatThrownBy(() -> new HostBinding(hostId, "a-name-too-long0"))
        .hasMessageStartingWith("interface: invalid value 'a-name-too-long0'");
    assertThatThrownBy(() -> new HostBinding(hostId, "eth0;reboot"))
        .hasMessageStartingWith("interface:");
    assertThatThrownBy(() -> new HostBinding(hostId, "..")).hasMessageStartingWith("interface:");
    assertThatThrownBy(() -> Router.of(routerId, "router 0"))
        .hasMessageStartingWith("router name:");
    assertThatThrownBy(() -> Router.of(routerId, "r$(id)")).hasMessageStartingWith("router name:");
  }
}
