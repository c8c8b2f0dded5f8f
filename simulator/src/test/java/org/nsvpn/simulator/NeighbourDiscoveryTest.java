package org.nsvpn.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nsvpn.simulator.testing.Results.dropDetail;
import static org.nsvpn.simulator.testing.Results.dropReason;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.net.Ipv6Address;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.simulator.packet.Bytes;
import org.nsvpn.simulator.packet.EthernetFrame;
import org.nsvpn.simulator.packet.Ipv6Packet;
import org.nsvpn.simulator.packet.NdpMessage;
import org.nsvpn.simulator.packet.Packets;
import org.nsvpn.simulator.packet.RawIpPayload;
import org.nsvpn.simulator.packet.UdpDatagram;
import org.nsvpn.simulator.result.DropReason;
import org.nsvpn.simulator.result.Emission;
import org.nsvpn.simulator.result.EmissionKind;
import org.nsvpn.simulator.result.SimulationResult;
import org.nsvpn.simulator.state.LearningConfig;
import org.nsvpn.simulator.state.NetworkState;
import org.nsvpn.simulator.testing.ManualTicker;
import org.nsvpn.simulator.testing.TestNetwork;

/** IPv6 neighbour discovery on router ports: answered as ARP is, and used to resolve next hops. */
class NeighbourDiscoveryTest {
  private static final MacAddress MAC_B = MacAddress.parse("02:00:00:00:0b:01");
  private static final MacAddress MAC_F = MacAddress.parse("02:00:00:00:0f:01");
  private static final MacAddress HOST_B_MAC = MacAddress.parse("02:00:00:00:0b:10");
  private static final MacAddress HOST_F_MAC = MacAddress.parse("02:00:00:00:0f:10");
  private static final Ipv6Address ROUTER_B = Ipv6Address.parse("2001:db8:b::1");
  private static final Ipv6Address ROUTER_F = Ipv6Address.parse("2001:db8:f::1");
  private static final Ipv6Address HOST_B = Ipv6Address.parse("2001:db8:b::10");
  private static final Ipv6Address HOST_F = Ipv6Address.parse("2001:db8:f::10");
  private static final Bytes DATA = Bytes.fromHex("cafebabe");

  private final ManualTicker ticker = new ManualTicker();
  private final NetworkState state = NetworkState.create(ticker, LearningConfig.DEFAULT);
  private final TestNetwork net =
      TestNetwork.builder()
          .router("r1")
          .routerPort("r1.b", MAC_B.toString(), "198.51.100.1/24", "2001:db8:b::1/64")
          .bind("r1.b")
          .routerPort("r1.f", MAC_F.toString(), "2001:db8:f::1/64")
          .bind("r1.f")
          .build();
  private final Simulator sim = net.simulator(state);
  private final PortId b = net.port("r1.b");
  private final PortId f = net.port("r1.f");

  /** A message as a host sends it: hop limit 255, Ethernet source the host's MAC. */
  private static byte[] ndp(
      NdpMessage message, MacAddress from, MacAddress to, Ipv6Address src, Ipv6Address dst) {
    return message.frame(from, to, src, dst).encode();
  }

  private static NdpMessage solicitation(Ipv6Address target, MacAddress sender) {
    return new NdpMessage(NdpMessage.SOLICITATION, 0, target, Optional.of(sender));
  }

  private static byte[] hostBSolicitsRouter() {
    Ipv6Address group = NdpMessage.solicitedNode(ROUTER_B);
    return ndp(
        solicitation(ROUTER_B, HOST_B_MAC),
        HOST_B_MAC,
        NdpMessage.multicastMac(group),
        HOST_B,
        group);
  }

  private static NdpMessage decode(byte[] frame) {
    Ipv6Packet packet = (Ipv6Packet) EthernetFrame.decode(frame).payload();
    assertThat(packet.hopLimit()).isEqualTo(NdpMessage.HOP_LIMIT);
    return NdpMessage.decode(
            packet.source(),
            packet.destination(),
            ((RawIpPayload) packet.payload()).bytes().toArray())
        .orElseThrow(() -> new AssertionError("not a valid NDP message (checksum?)"));
  }

  @Test
  void aSolicitationForThePortsAddressIsAnsweredAndTeachesTheSendersMac() {
    assertThat(NdpMessage.solicitedNode(ROUTER_B)).isEqualTo(Ipv6Address.parse("ff02::1:ff00:1"));
    assertThat(NdpMessage.multicastMac(NdpMessage.solicitedNode(ROUTER_B)))
        .isEqualTo(MacAddress.parse("33:33:ff:00:00:01"));

    SimulationResult answered = sim.simulate(b, hostBSolicitsRouter());

    assertThat(answered).isInstanceOf(SimulationResult.Consume.class);
    NdpMessage advertisement =
        new NdpMessage(
            NdpMessage.ADVERTISEMENT,
            NdpMessage.ROUTER | NdpMessage.SOLICITED | NdpMessage.OVERRIDE,
            ROUTER_B,
            Optional.of(MAC_B));
    assertThat(answered.emissions())
        .containsExactly(
            Emission.of(
                b,
                ndp(advertisement, MAC_B, HOST_B_MAC, ROUTER_B, HOST_B),
                EmissionKind.NEIGHBOUR_ADVERTISEMENT));
    assertThat(decode(answered.emissions().get(0).frame())).isEqualTo(advertisement);
    assertThat(state.arpCache(net.router("r1")).lookup(b, HOST_B)).contains(HOST_B_MAC);
  }

  @Test
  void whatIsNotAValidSolicitationForThePortIsNeitherAnsweredNorLearnedFrom() {
    Ipv6Address group = NdpMessage.solicitedNode(ROUTER_F);
    byte[] forOtherPort =
        ndp(
            solicitation(ROUTER_F, HOST_B_MAC),
            HOST_B_MAC,
            NdpMessage.multicastMac(group),
            HOST_B,
            group);
    byte[] dad =
        ndp(
            new NdpMessage(NdpMessage.SOLICITATION, 0, ROUTER_B, Optional.empty()),
            HOST_B_MAC,
            NdpMessage.multicastMac(NdpMessage.solicitedNode(ROUTER_B)),
            Ipv6Address.ANY,
            NdpMessage.solicitedNode(ROUTER_B));
    byte[] offLink =
        ndp(
            solicitation(ROUTER_B, HOST_B_MAC),
            HOST_B_MAC,
            MAC_B,
            Ipv6Address.parse("2001:db8:99::10"),
            ROUTER_B);
    byte[] corrupted = hostBSolicitsRouter();
    corrupted[corrupted.length - 9] ^= 0x01; // a bit of the target address: the checksum fails
    byte[] forwarded = hostBSolicitsRouter();
    forwarded[14 + 7] = (byte) 254; // hop limit 254 (the IPv6 header has no checksum)

    for (var c :
        List.of(
            List.of(forOtherPort, "is not an address of"),
            List.of(dad, "duplicate address detection"),
            List.of(offLink, "is not a neighbour on"),
            List.of(corrupted, "no neighbour solicitation or advertisement"),
            List.of(forwarded, "hop limit 254"))) {
      SimulationResult r = sim.simulate(b, (byte[]) c.get(0));
      assertThat(dropReason(r)).as((String) c.get(1)).isEqualTo(DropReason.NDP_NOT_HANDLED);
      assertThat(dropDetail(r)).contains((String) c.get(1));
      assertThat(r.emissions()).isEmpty();
    }
    assertThat(state.arpCache(net.router("r1")).contains(b, HOST_B)).isFalse();
  }

  @Test
  void anUnresolvedNextHopIsSolicitedItsFramesWaitAndTheAdvertisementReleasesThem() {
    byte[] toHostF =
        Packets.ethernet(HOST_B_MAC, MAC_B)
            .ipv6(HOST_B, HOST_F)
            .hopLimit(5)
            .udp(7, 1, DATA)
            .encode();
    byte[] again =
        Packets.ethernet(HOST_B_MAC, MAC_B)
            .ipv6(HOST_B, HOST_F)
            .hopLimit(5)
            .udp(7, 2, DATA)
            .encode();

    SimulationResult first = sim.simulate(b, toHostF);
    SimulationResult second = sim.simulate(b, again);

    Ipv6Address group = NdpMessage.solicitedNode(HOST_F);
    assertThat(first).isInstanceOf(SimulationResult.Hold.class);
    assertThat(first.emissions())
        .containsExactly(
            Emission.of(
                f,
                ndp(
                    solicitation(HOST_F, MAC_F),
                    MAC_F,
                    NdpMessage.multicastMac(group),
                    ROUTER_F,
                    group),
                EmissionKind.NEIGHBOUR_SOLICITATION));
    assertThat(second).isInstanceOf(SimulationResult.Hold.class);
    assertThat(second.emissions()).as("one solicitation per resolution").isEmpty();

    NdpMessage advertisement =
        new NdpMessage(
            NdpMessage.ADVERTISEMENT,
            NdpMessage.SOLICITED | NdpMessage.OVERRIDE,
            HOST_F,
            Optional.of(HOST_F_MAC));
    SimulationResult resolved =
        sim.simulate(f, ndp(advertisement, HOST_F_MAC, MAC_F, HOST_F, ROUTER_F));
    assertThat(resolved).isInstanceOf(SimulationResult.Consume.class);
    assertThat(resolved.emissions())
        .allMatch(e -> e.kind() == EmissionKind.RELEASED && e.port().equals(f))
        .extracting(e -> EthernetFrame.decode(e.frame()))
        .allMatch(e -> e.destination().equals(HOST_F_MAC) && e.source().equals(MAC_F))
        .extracting(e -> (Ipv6Packet) e.payload())
        .allMatch(p -> p.hopLimit() == 4)
        .extracting(p -> ((UdpDatagram) p.payload()).destinationPort())
        .containsExactly(1, 2);

    byte[] third =
        Packets.ethernet(HOST_B_MAC, MAC_B)
            .ipv6(HOST_B, HOST_F)
            .hopLimit(5)
            .udp(7, 3, DATA)
            .encode();
    SimulationResult direct = sim.simulate(b, third);
    assertThat(direct).isInstanceOf(SimulationResult.Emit.class);
    assertThat(direct.emissions()).singleElement().matches(e -> e.kind() == EmissionKind.FORWARDED);
  }

  @Test
  void anUnsolicitedAdvertisementTeachesNothing() {
    NdpMessage advertisement =
        new NdpMessage(
            NdpMessage.ADVERTISEMENT, NdpMessage.OVERRIDE, HOST_F, Optional.of(HOST_F_MAC));
    SimulationResult r =
        sim.simulate(
            f,
            ndp(
                advertisement,
                HOST_F_MAC,
                NdpMessage.multicastMac(Ipv6Address.parse("ff02::1")),
                HOST_F,
                Ipv6Address.parse("ff02::1")));
    assertThat(dropReason(r)).isEqualTo(DropReason.NDP_NOT_HANDLED);
    assertThat(dropDetail(r)).contains("unsolicited advertisement");
    assertThat(state.arpCache(net.router("r1")).contains(f, HOST_F)).isFalse();
  }
}
