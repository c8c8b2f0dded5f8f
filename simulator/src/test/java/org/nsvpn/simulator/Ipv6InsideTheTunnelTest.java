package org.nsvpn.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.SecretRef;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.Ipv6Address;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.vpn.VpnRedirectPlan;
import org.nsvpn.simulator.packet.Bytes;
import org.nsvpn.simulator.packet.EthernetFrame;
import org.nsvpn.simulator.packet.Ipv6Packet;
import org.nsvpn.simulator.packet.NdpMessage;
import org.nsvpn.simulator.packet.Packets;
import org.nsvpn.simulator.result.DropReason;
import org.nsvpn.simulator.result.Emission;
import org.nsvpn.simulator.result.EmissionKind;
import org.nsvpn.simulator.result.SimulationResult;
import org.nsvpn.simulator.state.NetworkState;
import org.nsvpn.simulator.testing.Seed002Network;
import org.nsvpn.simulator.testing.TestNetwork;

/**
 * IPv6 inside an IPv4 tunnel, the router's part (seed 002's network with an IPv6 tenant subnet and
 * an IPv6 connection): local-to-peer IPv6 goes to the namespace through the link-local pair of the
 * plan, the namespace's neighbour discovery resolves it, decrypted IPv6 comes back to the VM, and
 * without the plan's route the router keeps the cleartext off the uplink.
 */
class Ipv6InsideTheTunnelTest {
  private static final String ROUTER = Seed002Network.ROUTER;
  private static final MacAddress UPLINK_MAC = Seed002Network.UPLINK_MAC;
  private static final MacAddress NS_PORT_MAC = Seed002Network.NAMESPACE_PORT_MAC;
  private static final MacAddress TENANT_MAC = Seed002Network.TENANT_MAC;
  private static final MacAddress VM_MAC = Seed002Network.VM_MAC;
  private static final MacAddress GATEWAY_MAC = Seed002Network.GATEWAY_MAC;
  private static final Ipv6Address VM = Ipv6Address.parse("2001:db8:10::5");
  private static final Ipv6Address PEER_HOST = Ipv6Address.parse("2001:db8:20::5");
  private static final Ipv6Address UPSTREAM = Ipv6Address.parse("fe80::fe");
  private static final Bytes DATA = Bytes.fromHex("0badcafe");

  private final NetworkState state = NetworkState.create();

  /** Seed 002 with 2001:db8:10::1/64 on the tenant port and an IPv6 default route upstream. */
  private static TestNetwork withoutPlan() {
    TestNetwork net =
        TestNetwork.builder()
            .router(ROUTER)
            .routerPort(Seed002Network.UPLINK, UPLINK_MAC.toString(), "201.201.201.1/24")
            .bind(Seed002Network.UPLINK, "eth0")
            .routerPort(
                Seed002Network.TENANT,
                TENANT_MAC.toString(),
                "192.168.10.1/24",
                "2001:db8:10::1/64")
            .bridge(Seed002Network.BRIDGE)
            .bridgePort(Seed002Network.VM)
            .bind(Seed002Network.VM, "tap-vm1")
            .bridgePort(Seed002Network.BRIDGE_TO_ROUTER)
            .link(Seed002Network.BRIDGE_TO_ROUTER, Seed002Network.TENANT)
            .route(ROUTER, "0.0.0.0/0", Seed002Network.UPLINK, Seed002Network.GATEWAY.toString())
            .route(ROUTER, "::/0", Seed002Network.UPLINK, UPSTREAM.toString())
            .build();
    Topology t =
        net.topology().toBuilder()
            .put(
                new VpnService(
                    Seed002Network.SERVICE,
                    "vpn0",
                    net.router(ROUTER),
                    Seed002Network.PUBLIC_IP,
                    true))
            .put(
                IpsecSiteConnection.builder()
                    .id(new IpsecSiteConnectionId(Seed002Network.SERVICE.derive("connection v6")))
                    .vpnService(Seed002Network.SERVICE)
                    .name("site-b-v6")
                    .peerAddress(Seed002Network.PEER_PUBLIC_IP)
                    .localCidrs(IpSubnet.parse("2001:db8:10::/64"))
                    .peerCidrs(IpSubnet.parse("2001:db8:20::/64"))
                    .psk(new SecretRef("site-b-psk"))
                    .build())
            .build();
    return net.withTopology(t);
  }

  private static TestNetwork withPlan() {
    TestNetwork before = withoutPlan();
    VpnRedirectPlan plan = Seed002Network.plan(before.topology());
    Topology installed = before.topology().apply(plan.installChange(before.topology()));
    return before
        .withTopology(installed)
        .name(Seed002Network.NAMESPACE, Seed002Network.NAMESPACE_PORT_ID)
        .bind(Seed002Network.NAMESPACE, plan.namespace().hostInterfaceName());
  }

  private static byte[] fromVm(int hopLimit) {
    return Packets.ethernet(VM_MAC, TENANT_MAC)
        .ipv6(VM, PEER_HOST)
        .hopLimit(hopLimit)
        .udp(5000, 6000, DATA)
        .encode();
  }

  @Test
  void localToPeerIpv6GoesToTheNamespaceThroughTheLinkLocalPairOnceItsNeighbourAnswers() {
    TestNetwork net = withPlan();
    Simulator sim = net.simulator(state);
    PortId vm = net.port(Seed002Network.VM);
    PortId namespace = net.port(Seed002Network.NAMESPACE);

    SimulationResult first = sim.simulate(vm, fromVm(64));
    assertThat(first).isInstanceOf(SimulationResult.Hold.class);
    Ipv6Address group = NdpMessage.solicitedNode(VpnRedirectPlan.NAMESPACE_SIDE_V6);
    assertThat(first.emissions())
        .containsExactly(
            Emission.of(
                namespace,
                new NdpMessage(
                        NdpMessage.SOLICITATION,
                        0,
                        VpnRedirectPlan.NAMESPACE_SIDE_V6,
                        Optional.of(NS_PORT_MAC))
                    .frame(
                        NS_PORT_MAC,
                        NdpMessage.multicastMac(group),
                        VpnRedirectPlan.ROUTER_SIDE_V6,
                        group)
                    .encode(),
                EmissionKind.NEIGHBOUR_SOLICITATION));

    // The namespace's kernel answers from its interface, which carries the uplink's MAC.
    SimulationResult answered =
        sim.simulate(
            namespace,
            new NdpMessage(
                    NdpMessage.ADVERTISEMENT,
                    NdpMessage.SOLICITED | NdpMessage.OVERRIDE,
                    VpnRedirectPlan.NAMESPACE_SIDE_V6,
                    Optional.of(UPLINK_MAC))
                .frame(
                    UPLINK_MAC,
                    NS_PORT_MAC,
                    VpnRedirectPlan.NAMESPACE_SIDE_V6,
                    VpnRedirectPlan.ROUTER_SIDE_V6)
                .encode());
    assertThat(answered.emissions())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.port()).isEqualTo(namespace);
              assertThat(e.kind()).isEqualTo(EmissionKind.RELEASED);
              EthernetFrame frame = EthernetFrame.decode(e.frame());
              assertThat(frame.destination()).isEqualTo(UPLINK_MAC);
              Ipv6Packet packet = (Ipv6Packet) frame.payload();
              assertThat(packet.destination()).isEqualTo(PEER_HOST);
              assertThat(packet.hopLimit()).isEqualTo(63);
            });

    SimulationResult next = sim.simulate(vm, fromVm(64));
    assertThat(next.on(namespace)).hasSize(1);
    assertThat(next.on(net.port(Seed002Network.UPLINK))).isEmpty();
  }

  @Test
  void decryptedIpv6FromTheNamespaceReachesTheVmAfterTheVmAnswersTheRoutersSolicitation() {
    TestNetwork net = withPlan();
    Simulator sim = net.simulator(state);
    PortId vm = net.port(Seed002Network.VM);
    PortId namespace = net.port(Seed002Network.NAMESPACE);
    byte[] decrypted =
        Packets.ethernet(UPLINK_MAC, NS_PORT_MAC)
            .ipv6(PEER_HOST, VM)
            .hopLimit(63)
            .udp(6000, 5000, DATA)
            .encode();

    SimulationResult held = sim.simulate(namespace, decrypted);
    assertThat(held).isInstanceOf(SimulationResult.Hold.class);
    assertThat(held.on(vm))
        .as("the solicitation for the VM, flooded by the bridge")
        .singleElement()
        .satisfies(e -> assertThat(e.kind()).isEqualTo(EmissionKind.NEIGHBOUR_SOLICITATION));

    SimulationResult released =
        sim.simulate(
            vm,
            new NdpMessage(
                    NdpMessage.ADVERTISEMENT,
                    NdpMessage.SOLICITED | NdpMessage.OVERRIDE,
                    VM,
                    Optional.of(VM_MAC))
                .frame(VM_MAC, TENANT_MAC, VM, Ipv6Address.parse("2001:db8:10::1"))
                .encode());
    assertThat(released.on(vm))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.kind()).isEqualTo(EmissionKind.RELEASED);
              assertThat(((Ipv6Packet) EthernetFrame.decode(e.frame()).payload()).source())
                  .isEqualTo(PEER_HOST);
            });
  }

  @Test
  void withoutThePlansRouteTheRouterKeepsProtectedIpv6OffTheUplink() {
    TestNetwork net = withoutPlan();
    Simulator sim = net.simulator(state);
    state
        .arpCache(net.router(ROUTER))
        .putPermanent(net.port(Seed002Network.UPLINK), UPSTREAM, GATEWAY_MAC);

    SimulationResult result = sim.simulate(net.port(Seed002Network.VM), fromVm(64));

    assertThat(result).isInstanceOf(SimulationResult.Drop.class);
    assertThat(((SimulationResult.Drop) result).reason()).isEqualTo(DropReason.VPN_FAIL_CLOSED);
    assertThat(result.emissions()).isEmpty();
  }
}
