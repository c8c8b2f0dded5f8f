package org.nsvpn.chainrules.vpn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.nsvpn.chainrules.vpn.Seed002.PORT0;
import static org.nsvpn.chainrules.vpn.Seed002.PORT0_MAC;
import static org.nsvpn.chainrules.vpn.Seed002.PORT1;
import static org.nsvpn.chainrules.vpn.Seed002.PORT1_MAC;
import static org.nsvpn.chainrules.vpn.Seed002.ROUTER;
import static org.nsvpn.chainrules.vpn.Seed002.SERVICE;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.RuleId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.Host;
import org.nsvpn.chainrules.model.HostBinding;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.TopologyChange;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.Ipv4Subnet;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.routing.Route;
import org.nsvpn.chainrules.routing.RouteType;
import org.nsvpn.chainrules.rules.Chain;
import org.nsvpn.chainrules.rules.Condition;
import org.nsvpn.chainrules.rules.L2TransformRule;
import org.nsvpn.chainrules.rules.LiteralAction;
import org.nsvpn.chainrules.rules.LiteralRule;
import org.nsvpn.chainrules.rules.PortRange;
import org.nsvpn.chainrules.rules.RedirectAction;
import org.nsvpn.chainrules.rules.Rule;

class VpnRedirectPlanTest {

  @Test
  void seed002ComesOutWithExactlyItsAddressesPrefixesAndMacs() {
    VpnRedirectPlan plan = Seed002.plan(Seed002.topology());

    // The router ports: "port0 ... mac ac:ca:ba:4a:61:c5 address 201.201.201.1 net
    // 201.201.201.1/24"
    // and "port1 ... mac ac:ca:ba:43:05:45 address 169.254.1.1 net 169.254.1.0/30".
    assertThat(plan.uplinkPort()).isEqualTo(PORT0);
    assertThat(plan.linkLocal()).isEqualTo(Ipv4Subnet.parse("169.254.1.0/30"));
    assertThat(plan.namespacePort().id()).isEqualTo(PORT1);
    assertThat(plan.namespacePort().router()).isEqualTo(ROUTER);
    assertThat(plan.namespacePort().mac()).isEqualTo(PORT1_MAC);
    assertThat(plan.namespacePort().addresses())
        .containsExactly(InterfaceAddress.parse("169.254.1.1/30"));
    assertThat(plan.namespacePort().addresses().get(0).subnet())
        .isEqualTo(IpSubnet.parse("169.254.1.0/30"));

    // The namespace interface: "link/ether ac:ca:ba:4a:61:c5", "inet 169.254.1.2/30",
    // "inet 201.201.201.1/32"; "default via 169.254.1.1"; static ARP "169.254.1.1
    // ac:ca:ba:43:05:45".
    NamespaceSpec ns = plan.namespace();
    assertThat(ns.interfaceMac()).isEqualTo(PORT0_MAC);
    assertThat(ns.addresses())
        .containsExactly(
            InterfaceAddress.parse("169.254.1.2/30"), InterfaceAddress.parse("201.201.201.1/32"));
    assertThat(ns.defaultGateway()).isEqualTo(IpAddress.parse("169.254.1.1"));
    assertThat(ns.neighbours())
        .containsExactly(new StaticNeighbour(IpAddress.parse("169.254.1.1"), PORT1_MAC));
    // Not in the seed (MidoNet's kernel ESP did not need it): an address inside the local subnet
    // for strongSwan's userspace ESP; the router has no port there, so the network address.
    assertThat(ns.loopbackAddresses()).containsExactly(InterfaceAddress.parse("192.168.10.0/32"));
    // Also not in the seed: the peer subnet is dropped inside the namespace unless the tunnel
    // carries it, so cleartext never bounces back to the router while charon is down.
    assertThat(ns.blackholeRoutes()).containsExactly(IpSubnet.parse("192.168.20.0/24"));

    // "chain0 rule add type l2-transform dst 201.201.201.1/32 proto 50 action redirect target-port
    // router1:port1" and the same for "proto 17 dst-port 500", plus NAT-T (UDP 4500).
    RedirectAction toPort1 = new RedirectAction(PORT1, false, false);
    assertThat(plan.redirectRules()).extracting(L2TransformRule::redirect).containsOnly(toPort1);
    assertThat(plan.redirectRules())
        .extracting(r -> r.condition().toString())
        .containsExactly(
            "dst 201.201.201.1/32 proto 50",
            "dst 201.201.201.1/32 proto 17 dst-port 500 fragment-policy header",
            "dst 201.201.201.1/32 proto 17 dst-port 4500 fragment-policy header");

    // "router0 add route type normal src 192.168.10.0/24 dst 192.168.20.0/24 gw 169.254.1.2 port
    // router:port1"
    assertThat(plan.routes()).hasSize(1);
    Route route = plan.routes().get(0);
    assertThat(route.type()).isEqualTo(RouteType.NORMAL);
    assertThat(route.source()).isEqualTo(IpSubnet.parse("192.168.10.0/24"));
    assertThat(route.destination()).isEqualTo(IpSubnet.parse("192.168.20.0/24"));
    assertThat(route.nextHopGateway()).contains(IpAddress.parse("169.254.1.2"));
    assertThat(route.nextHopPort()).contains(PORT1);
    assertThat(route.router()).isEqualTo(ROUTER);
  }

  @Test
  void installedSeedPlanRoutesAndRedirectsAsTheDocumentSays() {
    Topology before = Seed002.topology();
    VpnRedirectPlan plan = Seed002.plan(before);
    Topology after = before.apply(plan.installChange(before));

    Router router = after.router(ROUTER).orElseThrow();
    assertThat(router.localRedirectChain()).contains(VpnRedirectPlan.ownedChainId(SERVICE));
    assertThat(plan.chainOwned()).isTrue();
    Chain chain = after.chain(router.localRedirectChain().get()).orElseThrow();
    assertThat(chain.rules()).containsExactlyElementsOf(plan.redirectRules());
    assertThat(Seed002.port(after, PORT1)).contains(plan.namespacePort());

    // Cleartext local -> peer goes to the namespace; other traffic does not.
    Route r =
        after
            .routeTable(ROUTER)
            .lookup(IpAddress.parse("192.168.10.5"), IpAddress.parse("192.168.20.7"))
            .orElseThrow();
    assertThat(r.nextHopPort()).contains(PORT1);
    assertThat(
            after
                .routeTable(ROUTER)
                .lookup(IpAddress.parse("192.168.11.5"), IpAddress.parse("192.168.20.7")))
        .isEmpty();
    // The router reaches the namespace's link-local side through port1 (implied connected route).
    Route toNs =
        after
            .routeTable(ROUTER)
            .lookup(IpAddress.parse("201.201.201.1"), IpAddress.parse("169.254.1.2"))
            .orElseThrow();
    assertThat(toNs.nextHopPort()).contains(PORT1);
  }

  @Test
  void installIsIdempotent() {
    Topology before = Seed002.topology();
    VpnRedirectPlan plan = Seed002.plan(before);
    Topology after = before.apply(plan.installChange(before));
    assertThat(plan.installChange(after).isEmpty()).isTrue();
    assertThat(Seed002.plan(after)).as("recomputed on the installed topology").isEqualTo(plan);
  }

  @Test
  void derivedIdsAndMacAreStableAcrossRecomputation() {
    Topology t = Seed002.topology();
    VpnRedirectPlan a = VpnRedirectPlan.request(t, SERVICE).compute();
    VpnRedirectPlan b = VpnRedirectPlan.request(t, SERVICE).compute();
    assertThat(a).isEqualTo(b);
    assertThat(a.namespacePort().id()).isEqualTo(VpnRedirectPlan.namespacePortId(SERVICE));
    MacAddress mac = a.namespacePort().mac();
    assertThat(mac.isUnicast()).isTrue();
    assertThat(mac.isLocallyAdministered()).isTrue();
    assertThat(mac).isNotEqualTo(PORT0_MAC);
    Topology after = t.apply(a.installChange(t));
    VpnRedirectPlan again = VpnRedirectPlan.request(after, SERVICE).compute();
    assertThat(again.linkLocal()).as("keeps its block once installed").isEqualTo(a.linkLocal());
    assertThat(again).isEqualTo(a);
  }

  @Test
  void namespaceNamesAreDerivedFromTheServiceIdAndFitLinuxLimits() {
    NamespaceSpec ns = Seed002.plan(Seed002.topology()).namespace();
    assertThat(ns.name()).isEqualTo("vpn-c99b23dea9a14d2c9b1e0123456789ab");
    assertThat(ns.interfaceName()).isEqualTo("vpnc99b23dea9ns").hasSizeLessThanOrEqualTo(15);
    assertThat(ns.hostInterfaceName()).isEqualTo("vpnc99b23dea9dp").hasSizeLessThanOrEqualTo(15);
  }

  @Test
  void everyLocalAndPeerCidrPairGetsARouteAcrossConnections() {
    Topology t =
        Seed002.topology().toBuilder()
            .put(
                Seed002.connection("site-c", "192.168.10.0/24", "10.30.0.0/16", "203.0.113.50")
                    .localCidrs(
                        IpSubnet.parse("192.168.10.0/24"), IpSubnet.parse("192.168.11.0/24"))
                    .peerCidrs(IpSubnet.parse("10.30.0.0/16"), IpSubnet.parse("10.31.0.0/16"))
                    .build())
            .build();
    VpnRedirectPlan plan = Seed002.plan(t);
    assertThat(plan.routes())
        .extracting(r -> r.source() + " -> " + r.destination())
        .containsExactly(
            "192.168.10.0/24 -> 192.168.20.0/24",
            "192.168.10.0/24 -> 10.30.0.0/16",
            "192.168.10.0/24 -> 10.31.0.0/16",
            "192.168.11.0/24 -> 10.30.0.0/16",
            "192.168.11.0/24 -> 10.31.0.0/16");
    assertThat(plan.routes()).extracting(Route::id).doesNotHaveDuplicates();
    assertThat(plan.routes())
        .allSatisfy(r -> assertThat(r.nextHopGateway()).contains(IpAddress.parse("169.254.1.2")));
  }

  @Test
  void loopbackAddressesUseTheRoutersOwnAddressOnEachLocalSubnet() {
    Topology t =
        Seed002.topology().toBuilder()
            .put(
                RouterPort.of(
                    PortId.random(),
                    ROUTER,
                    MacAddress.parse("02:00:00:00:10:01"),
                    InterfaceAddress.parse("192.168.10.1/24")))
            .put(
                Seed002.connection("site-c", "192.168.11.0/24", "10.30.0.0/16", "203.0.113.50")
                    .build())
            .build();
    assertThat(Seed002.plan(t).namespace().loopbackAddresses())
        .containsExactly(
            InterfaceAddress.parse("192.168.10.1/32"), InterfaceAddress.parse("192.168.11.0/32"));
  }

  @Test
  void administrativelyDownConnectionsKeepTheirRoutesSoTrafficFailsClosed() {
    Topology t = Seed002.topology();
    IpsecSiteConnection conn = t.connections(SERVICE).get(0);
    Topology down =
        t.toBuilder()
            .put(conn.toBuilder().adminStateUp(false).build())
            .put(Seed002.VPN.withAdminStateUp(false))
            .build();
    assertThat(Seed002.plan(down).routes()).isEqualTo(Seed002.plan(t).routes());
  }

  @Test
  void removingAConnectionRemovesOnlyItsRoutes() {
    Topology base = Seed002.topology();
    IpsecSiteConnection siteC =
        Seed002.connection("site-c", "192.168.10.0/24", "10.30.0.0/16", "203.0.113.50").build();
    Topology withTwo = base.toBuilder().put(siteC).build();
    Topology installed = withTwo.apply(Seed002.plan(withTwo).installChange(withTwo));
    assertThat(installed.routes(ROUTER)).hasSize(2);

    Topology withOne = installed.toBuilder().remove(siteC.id()).build();
    TopologyChange change = Seed002.plan(withOne).installChange(withOne);
    assertThat(change.upserts()).isEmpty();
    assertThat(change.deletions()).hasSize(1);
    Topology after = withOne.apply(change);
    assertThat(after.routes(ROUTER))
        .extracting(Route::destination)
        .containsExactly(IpSubnet.parse("192.168.20.0/24"));
  }

  @Test
  void removalUndoesTheInstallExactly() {
    Topology before = Seed002.topology();
    VpnRedirectPlan plan = Seed002.plan(before);
    Topology installed = before.apply(plan.installChange(before));
    Topology removed = installed.apply(plan.removalChange(installed));
    assertThat(removed).isEqualTo(before);
    assertThat(plan.removalChange(removed).isEmpty()).as("removal is idempotent").isTrue();
  }

  @Test
  void foreignRulesAndForeignChainsAreKept() {
    ChainId foreignId = ChainId.random();
    LiteralRule foreignRule =
        new LiteralRule(
            RuleId.random(),
            Condition.builder().nwProto(6).tpDst(PortRange.of(22)).build(),
            LiteralAction.DROP);
    Chain foreign = new Chain(foreignId, "chain0", List.of(foreignRule));
    Topology before =
        Seed002.topology().toBuilder()
            .put(foreign)
            .put(Router.of(ROUTER, "router1").withLocalRedirectChain(Optional.of(foreignId)))
            .build();
    VpnRedirectPlan plan = Seed002.plan(before);
    assertThat(plan.localRedirectChain()).isEqualTo(foreignId);
    assertThat(plan.chainOwned()).isFalse();

    Topology installed = before.apply(plan.installChange(before));
    List<Rule> rules = installed.chain(foreignId).orElseThrow().rules();
    assertThat(rules).hasSize(4);
    assertThat(rules.subList(0, 3)).containsExactlyElementsOf(plan.redirectRules());
    assertThat(rules.get(3)).isEqualTo(foreignRule);
    assertThat(installed.router(ROUTER).orElseThrow().localRedirectChain()).contains(foreignId);

    Topology removed = installed.apply(plan.removalChange(installed));
    assertThat(removed.chain(foreignId)).contains(foreign);
    assertThat(removed.router(ROUTER).orElseThrow().localRedirectChain()).contains(foreignId);
    assertThat(removed).isEqualTo(before);
  }

  @Test
  void anOwnedChainThatGainedForeignRulesIsNotDeleted() {
    Topology before = Seed002.topology();
    VpnRedirectPlan plan = Seed002.plan(before);
    Topology installed = before.apply(plan.installChange(before));
    ChainId owned = VpnRedirectPlan.ownedChainId(SERVICE);
    LiteralRule operatorRule =
        new LiteralRule(RuleId.random(), Condition.ANY, LiteralAction.ACCEPT);
    Topology edited =
        installed.toBuilder()
            .put(installed.chain(owned).orElseThrow().withRule(operatorRule))
            .build();
    Topology removed = edited.apply(plan.removalChange(edited));
    assertThat(removed.chain(owned).orElseThrow().rules()).containsExactly(operatorRule);
    assertThat(removed.router(ROUTER).orElseThrow().localRedirectChain()).contains(owned);
    assertThat(removed.port(PORT1)).isEmpty();
  }

  @Test
  void reinstallKeepsTheHostBindingOfTheNamespacePort() {
    Topology before = Seed002.topology();
    VpnRedirectPlan plan = Seed002.plan(before);
    HostId host = HostId.random();
    Topology installed = before.apply(plan.installChange(before));
    RouterPort bound =
        plan.namespacePort()
            .withBinding(Optional.of(new HostBinding(host, plan.namespace().hostInterfaceName())));
    Topology withBinding = installed.toBuilder().put(new Host(host, "host0")).put(bound).build();
    assertThat(plan.installChange(withBinding).isEmpty()).isTrue();
  }

  @Test
  void refusesBadServicesNamingTheField() {
    Topology t = Seed002.topology();
    assertThatThrownBy(() -> VpnRedirectPlan.request(t, VpnServiceId.random()).compute())
        .isInstanceOf(InvalidValueException.class)
        .hasMessageStartingWith("vpn-service: invalid value '")
        .hasMessageEndingWith("does not exist");

    Topology offUplink =
        t.toBuilder()
            .put(new VpnService(SERVICE, "vpn0", ROUTER, IpAddress.parse("203.0.113.1"), true))
            .build();
    assertThatThrownBy(() -> Seed002.plan(offUplink))
        .hasMessageStartingWith(
            "external-ip: invalid value '203.0.113.1': is not an address of any port of router");

    Topology v6OffUplink =
        t.toBuilder()
            .put(new VpnService(SERVICE, "vpn0", ROUTER, IpAddress.parse("2001:db8::1"), true))
            .build();
    assertThatThrownBy(() -> Seed002.plan(v6OffUplink))
        .hasMessageStartingWith(
            "external-ip: invalid value '2001:db8::1': is not an address of any port of router");

    Topology twoServices =
        t.toBuilder()
            .put(new VpnService(VpnServiceId.random(), "vpn1", ROUTER, Seed002.PUBLIC_IP, true))
            .build();
    assertThatThrownBy(() -> Seed002.plan(twoServices))
        .hasMessageContaining("already has vpn-service vpn1; one per router");

    assertThatThrownBy(
            () -> VpnRedirectPlan.request(t, SERVICE).namespacePort(PORT1, PORT0_MAC).compute())
        .hasMessageStartingWith("namespace port mac:");
    assertThatThrownBy(
            () ->
                VpnRedirectPlan.request(t, SERVICE)
                    .linkLocal(Ipv4Subnet.parse("169.254.169.252/30")))
        .hasMessageStartingWith("link-local: invalid value '169.254.169.252/30'");
  }

  @Test
  void refusesOverlapsBetweenConnectionsAndUnsupportedFamilies() {
    Topology base = Seed002.topology();
    Topology peerOverlap =
        base.toBuilder()
            .put(
                Seed002.connection("site-c", "192.168.10.0/24", "192.168.20.128/25", "203.0.113.50")
                    .build())
            .build();
    assertThatThrownBy(() -> Seed002.plan(peerOverlap))
        .hasMessageStartingWith(
            "ipsec-site-connection site-c peer-cidrs: invalid value '192.168.20.128/25': overlaps peer CIDR 192.168.20.0/24");

    Topology crossOverlap =
        base.toBuilder()
            .put(
                Seed002.connection("site-c", "192.168.20.0/25", "10.0.0.0/8", "203.0.113.50")
                    .build())
            .build();
    assertThatThrownBy(() -> Seed002.plan(crossOverlap))
        .hasMessageStartingWith(
            "ipsec-site-connection site-c local-cidrs: invalid value '192.168.20.0/25': overlaps peer CIDR 192.168.20.0/24");

    Topology v6Peer =
        base.toBuilder()
            .put(Seed002.connection("site-c", "10.1.0.0/16", "10.2.0.0/16", "2001:db8::9").build())
            .build();
    assertThatThrownBy(() -> Seed002.plan(v6Peer))
        .hasMessageContaining(
            "site-c peer-address: invalid value '2001:db8::9': must be IPv4 like the service's"
                + " external-ip 201.201.201.1");

    Topology v4PeerOfV6Service =
        ipv6Outside(base).toBuilder()
            .put(Seed002.connection("site-d", "10.1.0.0/16", "10.4.0.0/16", "198.51.100.4").build())
            .build();
    assertThatThrownBy(() -> Seed002.plan(v4PeerOfV6Service))
        .hasMessageContaining(
            "site-d peer-address: invalid value '198.51.100.4': must be IPv6 like the service's"
                + " external-ip 2001:db8:ff::1");
  }

  /**
   * The seed's router with an IPv6 address on its uplink as the service's external IP, and one
   * connection of each inner family to an IPv6 peer.
   */
  private static Topology ipv6Outside(Topology base) {
    RouterPort uplink = Seed002.port(base, Seed002.PORT0).orElseThrow();
    List<InterfaceAddress> addresses = new ArrayList<>(uplink.addresses());
    addresses.add(InterfaceAddress.parse("2001:db8:ff::1/64"));
    return base.toBuilder()
        .put(uplink.withAddresses(addresses))
        .put(new VpnService(SERVICE, "vpn0", ROUTER, IpAddress.parse("2001:db8:ff::1"), true))
        .remove(base.connections(SERVICE).get(0).id())
        .put(
            Seed002.connection("v4-inside", "192.168.10.0/24", "192.168.20.0/24", "2001:db8:ff::2")
                .build())
        .put(
            Seed002.connection("v6-inside", "2001:db8:1::/48", "2001:db8:2::/48", "2001:db8:ff::2")
                .build())
        .build();
  }

  @Test
  void anIpv6PublicIpIsMirroredAsA128AndEspIkeAndNatTForItAreRedirected() {
    VpnRedirectPlan plan = Seed002.plan(ipv6Outside(Seed002.topology()));
    IpAddress publicIp = IpAddress.parse("2001:db8:ff::1");
    assertThat(plan.publicIp()).isEqualTo(publicIp);
    assertThat(plan.uplinkPort()).isEqualTo(Seed002.PORT0);

    NamespaceSpec ns = plan.namespace();
    assertThat(ns.interfaceMac()).as("the router's public MAC").isEqualTo(Seed002.PORT0_MAC);
    assertThat(ns.addresses())
        .contains(InterfaceAddress.parse("2001:db8:ff::1/128"))
        .contains(InterfaceAddress.parse("fe80::2/64"))
        .anyMatch(a -> a.prefixLength() == 30);
    assertThat(ns.ipv6Gateway())
        .as("the namespace's IKE and ESP leave by the IPv6 link")
        .contains(VpnRedirectPlan.ROUTER_SIDE_V6);
    assertThat(ns.neighbours())
        .contains(new StaticNeighbour(VpnRedirectPlan.ROUTER_SIDE_V6, Seed002.PORT1_MAC));
    assertThat(ns.blackholeRoutes())
        .containsExactlyInAnyOrder(
            IpSubnet.parse("192.168.20.0/24"), IpSubnet.parse("2001:db8:2::/48"));
    assertThat(plan.namespacePort().addresses()).contains(InterfaceAddress.parse("fe80::1/64"));

    IpSubnet host = IpSubnet.parse("2001:db8:ff::1/128");
    assertThat(plan.redirectRules())
        .extracting(r -> r.condition())
        .containsExactly(
            Condition.builder().nwDst(host).nwProto(VpnRedirectPlan.PROTO_ESP).build(),
            Condition.builder()
                .nwDst(host)
                .nwProto(VpnRedirectPlan.PROTO_UDP)
                .tpDst(PortRange.of(VpnRedirectPlan.PORT_IKE))
                .build(),
            Condition.builder()
                .nwDst(host)
                .nwProto(VpnRedirectPlan.PROTO_UDP)
                .tpDst(PortRange.of(VpnRedirectPlan.PORT_NAT_T))
                .build());
    assertThat(plan.routes())
        .extracting(r -> r.destination().toString() + " via " + r.nextHopGateway().orElseThrow())
        .containsExactlyInAnyOrder(
            "192.168.20.0/24 via "
                + plan.namespace().addresses().stream()
                    .filter(a -> a.prefixLength() == 30)
                    .findFirst()
                    .orElseThrow()
                    .address(),
            "2001:db8:2::/48 via fe80::2");
  }

  @Test
  void ipv6CidrsInsideTheTunnelGetALinkLocalPairOnTheNamespaceLinkAndRoutesThroughIt() {
    Topology base = Seed002.topology();
    VpnRedirectPlan v4Only = Seed002.plan(base);
    assertThat(v4Only.namespace().ipv6Gateway()).isEmpty();
    assertThat(v4Only.namespacePort().addresses()).hasSize(1);

    Topology withV6 =
        base.toBuilder()
            .put(
                Seed002.connection("site-c", "2001:db8:1::/48", "2001:db8:2::/48", "203.0.113.50")
                    .build())
            .build();
    VpnRedirectPlan plan = Seed002.plan(withV6);

    assertThat(plan.namespacePort().addresses())
        .contains(InterfaceAddress.parse("fe80::1/64"))
        .contains(v4Only.namespacePort().addresses().get(0));
    NamespaceSpec ns = plan.namespace();
    assertThat(ns.addresses()).contains(InterfaceAddress.parse("fe80::2/64"));
    assertThat(ns.ipv6Gateway()).contains(VpnRedirectPlan.ROUTER_SIDE_V6);
    assertThat(ns.neighbours())
        .contains(new StaticNeighbour(VpnRedirectPlan.ROUTER_SIDE_V6, plan.namespacePort().mac()));
    assertThat(ns.blackholeRoutes()).contains(IpSubnet.parse("2001:db8:2::/48"));
    assertThat(ns.loopbackAddresses())
        .as("libipsec needs an address inside the IPv6 local CIDR too")
        .contains(InterfaceAddress.parse("2001:db8:1::/128"));
    assertThat(plan.routes())
        .filteredOn(r -> r.destination().equals(IpSubnet.parse("2001:db8:2::/48")))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.source()).isEqualTo(IpSubnet.parse("2001:db8:1::/48"));
              assertThat(r.nextHopGateway()).contains(VpnRedirectPlan.NAMESPACE_SIDE_V6);
              assertThat(r.nextHopPort()).contains(plan.namespacePort().id());
            });
    assertThat(plan.routes())
        .filteredOn(r -> r.destination().family() == org.nsvpn.chainrules.net.IpFamily.IPV4)
        .allMatch(
            r ->
                r.nextHopGateway()
                    .orElseThrow()
                    .equals(v4Only.routes().get(0).nextHopGateway().orElseThrow()));
  }

  @Test
  void aServiceWithoutConnectionsStillGetsItsNamespaceAndRedirects() {
    Topology t = Seed002.topology();
    Topology none = t.toBuilder().remove(t.connections(SERVICE).get(0).id()).build();
    VpnRedirectPlan plan = Seed002.plan(none);
    assertThat(plan.routes()).isEmpty();
    assertThat(plan.redirectRules()).hasSize(3);
  }

  @Test
  void twoRoutersGetDifferentBlocks() {
    Topology first = Seed002.topology();
    first = first.apply(Seed002.plan(first).installChange(first));
    RouterId r2 = RouterId.random();
    VpnServiceId s2 = VpnServiceId.random();
    Topology both =
        first.toBuilder()
            .put(Router.of(r2, "router2"))
            .put(
                RouterPort.of(
                    PortId.random(),
                    r2,
                    MacAddress.parse("02:00:00:00:01:01"),
                    InterfaceAddress.parse("203.0.113.9/24")))
            .put(new VpnService(s2, "vpn2", r2, IpAddress.parse("203.0.113.9"), true))
            .build();
    VpnRedirectPlan second = VpnRedirectPlan.request(both, s2).compute();
    assertThat(second.linkLocal()).isEqualTo(Ipv4Subnet.parse("169.254.1.4/30"));
    assertThat(second.namespace().defaultGateway()).isEqualTo(IpAddress.parse("169.254.1.5"));
  }
}
