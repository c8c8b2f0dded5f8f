package org.nsvpn.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.id.BridgeId;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.RouteId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.Bridge;
import org.nsvpn.chainrules.model.Host;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.TopologyChange;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.routing.Route;
import org.nsvpn.chainrules.rules.Chain;
import org.nsvpn.chainrules.vpn.VpnRedirectPlan;

/**
 * The rules the store enforces for every writer (StoreRules): each refused as a plain commit would
 * write it, nothing written (read back node by node), and what the agent itself writes accepted.
 */
class StoreRulesIT {
  private static final String ROOT = "/nsvpn-rules";
  private static final byte[] PSK = "rules-test-psk".getBytes(StandardCharsets.UTF_8);

  private StoreFixture zk;
  private CuratorFramework client;
  private TopologyStore store;

  @BeforeEach
  void start() throws Exception {
    zk = new StoreFixture();
    client = zk.client(Optional.of(StoreFixture.CREDENTIAL));
    store = TopologyStore.open(client, ROOT, Optional.of(StoreFixture.CREDENTIAL));
    store.commit(
        StoreTransaction.builder()
            .create(Fixtures.host())
            .create(Fixtures.router())
            .create(Fixtures.uplink())
            .create(Fixtures.tenant())
            .create(Fixtures.service())
            .create(Fixtures.connection())
            .putSecret(Fixtures.connection().secret(), PSK)
            .build());
  }

  @AfterEach
  void stop() throws Exception {
    store.close();
    client.close();
    zk.close();
  }

  /** Commits {@code tx}, expects the refusal, and checks that nothing was written. */
  private String refused(StoreTransaction tx) throws Exception {
    Map<String, String> before = StoreFixture.dump(client, ROOT);
    IntegrityException e = catchThrowableOfType(IntegrityException.class, () -> store.commit(tx));
    assertThat(e).as("refused").isNotNull();
    assertThat(StoreFixture.dump(client, ROOT)).isEqualTo(before);
    return e.getMessage();
  }

  private static StoreTransaction create(Object... objects) {
    StoreTransaction.Builder tx = StoreTransaction.builder();
    for (Object o : objects) {
      tx.create((org.nsvpn.chainrules.id.Identified) o);
    }
    return tx.build();
  }

  private static VpnService service(String name, RouterId router, String externalIp) {
    return new VpnService(VpnServiceId.random(), name, router, IpAddress.parse(externalIp), true);
  }

  private static IpsecSiteConnection connection(String name, String peer) {
    return Fixtures.connection().toBuilder()
        .id(IpsecSiteConnectionId.random())
        .name(name)
        .peerAddress(IpAddress.parse(peer))
        .peerId(peer)
        .build();
  }

  @Test
  void aRouterHasOneVpnService() throws Exception {
    assertThat(refused(create(service("vpn-b", Fixtures.ROUTER, "201.201.201.1"))))
        .isEqualTo(
            "router: router0 already has vpn-service vpn0; a router has at most one vpn-service");
  }

  @Test
  void theExternalIpIsOnAPortOfTheRouterAndStaysThere() throws Exception {
    RouterId other = RouterId.random();
    store.create(Router.of(other, "other"));
    assertThat(refused(create(service("vpn-b", other, "201.201.201.1"))))
        .isEqualTo("external-ip: 201.201.201.1 is not an address of any port of router router1");
    VpnService vpn0 = Fixtures.service();
    assertThat(
            refused(
                StoreTransaction.builder()
                    .update(
                        new VpnService(
                            vpn0.id(),
                            vpn0.name(),
                            vpn0.router(),
                            IpAddress.parse("203.0.113.9"),
                            true),
                        0)
                    .build()))
        .isEqualTo("external-ip: 203.0.113.9 is not an address of any port of router router0");

    String moved =
        "address: no port of router router0 would hold 201.201.201.1, the external-ip of"
            + " vpn-service vpn0";
    assertThat(refused(StoreTransaction.builder().delete(Fixtures.UPLINK).build()))
        .isEqualTo(moved);
    RouterPort uplink =
        Fixtures.uplink().withAddresses(List.of(InterfaceAddress.parse("201.201.201.2/24")));
    assertThat(refused(StoreTransaction.builder().update(uplink, 0).build())).isEqualTo(moved);

    StoreSnapshot cascaded = store.deleteCascading(Fixtures.UPLINK);
    assertThat(cascaded.topology().vpnServices()).as("the documented cascade takes it").isEmpty();
  }

  @Test
  void aPeerIsReachableAndNotTheServiceItself() throws Exception {
    assertThat(refused(create(connection("c2", "127.0.0.1"))))
        .isEqualTo(
            "peer-address: 127.0.0.1 is a loopback address; a peer must be reachable through the"
                + " router");
    assertThat(refused(create(connection("c2", "169.254.7.7"))))
        .startsWith("peer-address: 169.254.7.7 is a link-local address");
    assertThat(refused(create(connection("c2", "201.201.201.1"))))
        .isEqualTo("peer-address: 201.201.201.1 is the external-ip of its own vpn-service vpn0");

    IpsecSiteConnection existing = Fixtures.connection();
    assertThat(
            refused(
                StoreTransaction.builder()
                    .update(existing.toBuilder().peerAddress(IpAddress.parse("::1")).build(), 0)
                    .build()))
        .startsWith("peer-address: ::1 is a loopback address");

    // The service moves onto its connection's peer (a port holds that address): the same state.
    store.create(Fixtures.port(1));
    VpnService vpn0 = Fixtures.service();
    assertThat(
            refused(
                StoreTransaction.builder()
                    .update(
                        new VpnService(
                            vpn0.id(), vpn0.name(), vpn0.router(), existing.peerAddress(), true),
                        0)
                    .build()))
        .isEqualTo(
            "external-ip: 198.51.100.2 is the peer-address of ipsec-site-connection vpn0:conn0 of"
                + " this vpn-service");
  }

  @Test
  void aPeerIsOfTheExternalIpsFamily() throws Exception {
    assertThat(refused(create(connection("c2", "2001:db8::9"))))
        .isEqualTo(
            "peer-address: 2001:db8::9 is IPv6, but the external-ip of vpn-service vpn0 is IPv4"
                + " (201.201.201.1); a tunnel's two ends are of one family");

    // The uplink gets an IPv6 address; the service may not move to it while its peer is IPv4.
    RouterPort dualStack =
        Fixtures.uplink()
            .withAddresses(
                List.of(
                    InterfaceAddress.parse("201.201.201.1/24"),
                    InterfaceAddress.parse("2001:db8:ff::1/64")));
    store.commit(StoreTransaction.builder().update(dualStack, 0).build());
    VpnService vpn0 = Fixtures.service();
    VpnService overIpv6 =
        new VpnService(
            vpn0.id(), vpn0.name(), vpn0.router(), IpAddress.parse("2001:db8:ff::1"), true);
    assertThat(refused(StoreTransaction.builder().update(overIpv6, 0).build()))
        .isEqualTo(
            "external-ip: 2001:db8:ff::1 is IPv6, but ipsec-site-connection vpn0:conn0 of this"
                + " vpn-service has the IPv4 peer-address 198.51.100.2; a tunnel's two ends are"
                + " of one family");

    // Both ends move in one transaction: accepted.
    IpsecSiteConnection existing = Fixtures.connection();
    store.commit(
        StoreTransaction.builder()
            .update(overIpv6, 0)
            .update(
                existing.toBuilder()
                    .peerAddress(IpAddress.parse("2001:db8:ff::2"))
                    .peerId("2001:db8:ff::2")
                    .build(),
                0)
            .build());
    assertThat(store.refresh().topology().vpnService(vpn0.id()).orElseThrow().externalIp())
        .isEqualTo(IpAddress.parse("2001:db8:ff::1"));
  }

  @Test
  void aRoutesGatewayIsOnItsPortsSubnet() throws Exception {
    Route offLink =
        Route.normal(
            RouteId.random(),
            Fixtures.ROUTER,
            IpSubnet.parse("10.0.0.0/8"),
            Fixtures.UPLINK,
            Optional.of(IpAddress.parse("192.0.2.254")));
    assertThat(refused(create(offLink)))
        .isEqualTo(
            "gw: 192.0.2.254 is outside the subnets of next-hop port router0:port0"
                + " (201.201.201.0/24)");
    store.create(Fixtures.route(1));
    RouterPort renumbered =
        Fixtures.tenant().withAddresses(List.of(InterfaceAddress.parse("192.0.3.1/24")));
    store.commit(StoreTransaction.builder().update(renumbered, 0).build());
    Route viaTenant =
        Route.normal(
            RouteId.random(),
            Fixtures.ROUTER,
            IpSubnet.parse("10.0.0.0/8"),
            Fixtures.TENANT,
            Optional.of(IpAddress.parse("192.0.3.254")));
    store.create(viaTenant);
    assertThat(
            refused(
                StoreTransaction.builder()
                    .update(
                        renumbered.withAddresses(List.of(InterfaceAddress.parse("192.0.4.1/24"))),
                        1)
                    .build()))
        .isEqualTo(
            "address: port router0:port1 would no longer be on the subnet of 192.0.3.254, the gw of"
                + " route router0:route1");
    Route linkLocal =
        Route.normal(
            RouteId.random(),
            Fixtures.ROUTER,
            IpSubnet.parse("2001:db8::/32"),
            Fixtures.TENANT,
            Optional.of(IpAddress.parse("fe80::1")));
    assertThat(store.create(linkLocal).topology().route(linkLocal.id()))
        .as("an IPv6 link-local gateway is on-link on any port")
        .isPresent();
  }

  @Test
  void namesAreUniqueWithinTheirScope() throws Exception {
    assertThat(refused(create(Bridge.of(BridgeId.random(), "router1"))))
        .isEqualTo(
            "name: 'router1' is already the name of router router0 (router and bridge names are"
                + " unique)");
    store.create(Chain.empty(ChainId.random(), "filters"));
    assertThat(refused(create(Chain.empty(ChainId.random(), "filters"))))
        .isEqualTo("name: 'filters' is already the name of chain chain0 (chain names are unique)");
    assertThat(refused(create(connection("site-b", "198.51.100.7"))))
        .isEqualTo(
            "name: 'site-b' is already the name of ipsec-site-connection vpn0:conn0 (connection"
                + " names are unique within their vpn-service)");
    Router renamed = Router.of(RouterId.random(), "edge");
    store.create(renamed);
    assertThat(
            refused(
                StoreTransaction.builder()
                    .update(
                        new Router(
                            renamed.id(),
                            "router1",
                            true,
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty()),
                        0)
                    .build()))
        .startsWith("name: 'router1' is already the name of router router0");

    RouterId second = RouterId.random();
    RouterPort secondUplink =
        RouterPort.of(
            org.nsvpn.chainrules.id.PortId.random(),
            second,
            MacAddress.parse("02:00:00:00:00:99"),
            InterfaceAddress.parse("203.0.113.1/24"));
    VpnService other = service("vpn-other", second, "203.0.113.1");
    IpsecSiteConnection sameName =
        connection("site-b", "198.51.100.7").toBuilder().vpnService(other.id()).build();
    store.commit(
        StoreTransaction.builder()
            .create(Router.of(second, "second"))
            .create(secondUplink)
            .create(other)
            .create(sameName)
            .build());
    assertThat(store.snapshot().topology().connections())
        .as("another service may have a connection of the same name")
        .hasSize(2);
    HostId twin = HostId.random();
    assertThat(store.create(new Host(twin, Fixtures.host().name())).topology().host(twin))
        .as("agents register hosts under machine names, which may repeat")
        .isPresent();
  }

  @Test
  void theAgentsRedirectPlanPassesEveryRule() {
    Topology before = store.refresh().topology();
    String planChainName =
        VpnRedirectPlan.request(before, Fixtures.SERVICE)
            .compute()
            .installChange(before)
            .upserts()
            .stream()
            .filter(Chain.class::isInstance)
            .map(c -> ((Chain) c).name())
            .findFirst()
            .orElseThrow();
    store.create(Chain.empty(ChainId.random(), planChainName));
    Topology t = store.refresh().topology();
    VpnRedirectPlan plan = VpnRedirectPlan.request(t, Fixtures.SERVICE).compute();
    TopologyChange install = plan.installChange(t);
    assertThat(install.upserts()).isNotEmpty();
    StoreSnapshot installed = store.commit(install);
    assertThat(installed.topology().routes(Fixtures.ROUTER))
        .as("one route per local/peer CIDR pair, via the namespace side of the /30")
        .hasSize(2)
        .allSatisfy(
            r -> assertThat(plan.linkLocal().contains(r.nextHopGateway().orElseThrow())).isTrue());
    assertThat(store.commit(plan.removalChange(installed.topology())).topology().routes())
        .isEmpty();
    assertThat(installed.topology().chains())
        .as("an operator's chain took the plan chain's name first; the plan's chain is written")
        .hasSize(2);
  }

  @Test
  void aViolationAlreadyStoredBlocksOnlyWritesThatAddToIt() throws Exception {
    VpnService second = service("vpn-legacy", Fixtures.ROUTER, "201.201.201.1");
    Entry legacy = new Entry(second, 0, "vpn1", Map.of(), Optional.empty());
    client.create().forPath(ROOT + "/topology/vpn-services/" + second.id(), legacy.encode());
    try (TopologyStore reopened =
        TopologyStore.open(client, ROOT, Optional.of(StoreFixture.CREDENTIAL))) {
      assertThat(reopened.snapshot().topology().vpnServices()).hasSize(2);
      reopened.create(Chain.empty(ChainId.random(), "unrelated"));
      reopened.commit(StoreTransaction.builder().update(second.withAdminStateUp(false), 0).build());
      RouterPort extra = Fixtures.port(3);
      reopened.create(extra);
      IntegrityException third =
          catchThrowableOfType(
              IntegrityException.class,
              () -> reopened.create(service("vpn-third", Fixtures.ROUTER, "201.201.201.1")));
      assertThat(third).isNotNull();
      assertThat(third.getMessage()).startsWith("router: router0 already has vpn-service vpn");
    }
  }
}
