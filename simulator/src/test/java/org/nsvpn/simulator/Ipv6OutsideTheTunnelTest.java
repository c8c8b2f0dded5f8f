package org.nsvpn.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nsvpn.simulator.testing.Results.dropReason;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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
 * IPv6 outside the tunnel, the router's part: seed 002's network with an IPv6 address on the uplink
 * as the service's public IP and an IPv6 peer. The router answers the peer's neighbour solicitation
 * for the public IP; ESP, IKE and NAT-T over IPv6 to the public IP go to the namespace unchanged,
 * other traffic to it does not; and the namespace's own IKE and ESP, sent over the link-local IPv6
 * pair, leave by the uplink once the router has resolved the peer.
 */
class Ipv6OutsideTheTunnelTest {
  private static final String ROUTER = Seed002Network.ROUTER;
  private static final MacAddress UPLINK_MAC = Seed002Network.UPLINK_MAC;
  private static final MacAddress NS_PORT_MAC = Seed002Network.NAMESPACE_PORT_MAC;
  private static final MacAddress PEER_MAC = MacAddress.parse("02:00:5e:ff:00:02");
  private static final Ipv6Address PUBLIC_IP = Ipv6Address.parse("2001:db8:ff::1");
  private static final Ipv6Address PEER = Ipv6Address.parse("2001:db8:ff::2");
  private static final Bytes ESP_BODY = Bytes.fromHex("0102030405060708090a0b0c0d0e0f10");

  private final NetworkState state = NetworkState.create();
  private final TestNetwork net = withPlan();
  private final Simulator sim = net.simulator(state);
  private final PortId uplink = net.port(Seed002Network.UPLINK);
  private final PortId namespace = net.port(Seed002Network.NAMESPACE);

  /**
   * Seed 002 with 2001:db8:ff::1/64 on the uplink (the public IP) and an IPv4 connection to the
   * peer 2001:db8:ff::2 on that link, its plan installed.
   */
  private static TestNetwork withPlan() {
    TestNetwork net =
        TestNetwork.builder()
            .router(ROUTER)
            .routerPort(
                Seed002Network.UPLINK, UPLINK_MAC.toString(), "201.201.201.1/24", PUBLIC_IP + "/64")
            .bind(Seed002Network.UPLINK, "eth0")
            .routerPort(
                Seed002Network.TENANT, Seed002Network.TENANT_MAC.toString(), "192.168.10.1/24")
            .build();
    Topology t =
        net.topology().toBuilder()
            .put(
                new VpnService(Seed002Network.SERVICE, "vpn0", net.router(ROUTER), PUBLIC_IP, true))
            .put(
                IpsecSiteConnection.builder()
                    .id(new IpsecSiteConnectionId(Seed002Network.SERVICE.derive("connection")))
                    .vpnService(Seed002Network.SERVICE)
                    .name("site-b")
                    .peerAddress(PEER)
                    .localCidrs(IpSubnet.parse("192.168.10.0/24"))
                    .peerCidrs(IpSubnet.parse("192.168.20.0/24"))
                    .psk(new SecretRef("site-b-psk"))
                    .build())
            .build();
    net = net.withTopology(t);
    VpnRedirectPlan plan = Seed002Network.plan(net.topology());
    return net.withTopology(net.topology().apply(plan.installChange(net.topology())))
        .name(Seed002Network.NAMESPACE, Seed002Network.NAMESPACE_PORT_ID)
        .bind(Seed002Network.NAMESPACE, plan.namespace().hostInterfaceName());
  }

  private static byte[] espFromPeer() {
    return Packets.ethernet(PEER_MAC, UPLINK_MAC)
        .ipv6(PEER, PUBLIC_IP)
        .hopLimit(64)
        .esp(0xc0ffee01L, 7, ESP_BODY)
        .encode();
  }

  private static byte[] udpFromPeer(int port) {
    return Packets.ethernet(PEER_MAC, UPLINK_MAC)
        .ipv6(PEER, PUBLIC_IP)
        .udp(port, port, Bytes.fromHex("deadbeef"))
        .encode();
  }

  @Test
  void thePeersSolicitationForThePublicIpIsAnsweredWithTheUplinksMacThatTheNamespaceMirrors() {
    Ipv6Address group = NdpMessage.solicitedNode(PUBLIC_IP);
    byte[] solicitation =
        new NdpMessage(NdpMessage.SOLICITATION, 0, PUBLIC_IP, Optional.of(PEER_MAC))
            .frame(PEER_MAC, NdpMessage.multicastMac(group), PEER, group)
            .encode();

    SimulationResult answered = sim.simulate(uplink, solicitation);

    assertThat(answered.emissions())
        .containsExactly(
            Emission.of(
                uplink,
                new NdpMessage(
                        NdpMessage.ADVERTISEMENT,
                        NdpMessage.ROUTER | NdpMessage.SOLICITED | NdpMessage.OVERRIDE,
                        PUBLIC_IP,
                        Optional.of(UPLINK_MAC))
                    .frame(UPLINK_MAC, PEER_MAC, PUBLIC_IP, PEER)
                    .encode(),
                EmissionKind.NEIGHBOUR_ADVERTISEMENT));
  }

  @Test
  void espOverIpv6ToThePublicIpLeavesByTheNamespacePortUnchanged() {
    byte[] esp = espFromPeer();

    SimulationResult result = sim.simulate(uplink, esp);

    assertThat(result.emissions())
        .containsExactly(Emission.of(namespace, esp, EmissionKind.REDIRECTED));
  }

  @ParameterizedTest
  @ValueSource(ints = {VpnRedirectPlan.PORT_IKE, VpnRedirectPlan.PORT_NAT_T})
  void ikeAndNatTraversalOverIpv6ToThePublicIpLeaveByTheNamespacePortUnchanged(int port) {
    byte[] ike = udpFromPeer(port);

    SimulationResult result = sim.simulate(uplink, ike);

    assertThat(result.emissions())
        .containsExactly(Emission.of(namespace, ike, EmissionKind.REDIRECTED));
  }

  @Test
  void otherIpv6TrafficToThePublicIpIsNotRedirected() {
    SimulationResult result = sim.simulate(uplink, udpFromPeer(501));

    assertThat(dropReason(result)).isEqualTo(DropReason.LOCAL_UNHANDLED);
    assertThat(result.emissions()).isEmpty();
  }

  @Test
  void theNamespacesIkeOverTheLinkLocalPairLeavesByTheUplinkOnceThePeerIsResolved() {
    // As the namespace's kernel sends it: from the mirrored MAC to the pinned router side.
    byte[] ike =
        Packets.ethernet(UPLINK_MAC, NS_PORT_MAC)
            .ipv6(PUBLIC_IP, PEER)
            .hopLimit(64)
            .udp(VpnRedirectPlan.PORT_IKE, VpnRedirectPlan.PORT_IKE, Bytes.fromHex("cafe"))
            .encode();

    SimulationResult held = sim.simulate(namespace, ike);

    assertThat(held).isInstanceOf(SimulationResult.Hold.class);
    assertThat(held.on(uplink))
        .singleElement()
        .satisfies(e -> assertThat(e.kind()).isEqualTo(EmissionKind.NEIGHBOUR_SOLICITATION));

    SimulationResult released =
        sim.simulate(
            uplink,
            new NdpMessage(
                    NdpMessage.ADVERTISEMENT,
                    NdpMessage.SOLICITED | NdpMessage.OVERRIDE,
                    PEER,
                    Optional.of(PEER_MAC))
                .frame(PEER_MAC, UPLINK_MAC, PEER, PUBLIC_IP)
                .encode());
    assertThat(released.on(uplink))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.kind()).isEqualTo(EmissionKind.RELEASED);
              EthernetFrame frame = EthernetFrame.decode(e.frame());
              assertThat(frame.source()).isEqualTo(UPLINK_MAC);
              assertThat(frame.destination()).isEqualTo(PEER_MAC);
              Ipv6Packet packet = (Ipv6Packet) frame.payload();
              assertThat(packet.source()).isEqualTo(PUBLIC_IP);
              assertThat(packet.hopLimit()).isEqualTo(63);
            });

    SimulationResult esp =
        sim.simulate(
            namespace,
            Packets.ethernet(UPLINK_MAC, NS_PORT_MAC)
                .ipv6(PUBLIC_IP, PEER)
                .esp(0x0badf00dL, 1, ESP_BODY)
                .encode());
    assertThat(esp.on(uplink)).hasSize(1);
    assertThat(esp.on(namespace)).isEmpty();
  }
}
