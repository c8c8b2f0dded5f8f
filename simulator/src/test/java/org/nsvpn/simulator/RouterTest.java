package org.nsvpn.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nsvpn.simulator.testing.Results.dropDetail;
import static org.nsvpn.simulator.testing.Results.dropReason;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.rules.Condition;
import org.nsvpn.chainrules.rules.LiteralAction;
import org.nsvpn.simulator.packet.Bytes;
import org.nsvpn.simulator.packet.EthernetFrame;
import org.nsvpn.simulator.packet.IcmpPacket;
import org.nsvpn.simulator.packet.Ipv4Builder;
import org.nsvpn.simulator.packet.Ipv4Packet;
import org.nsvpn.simulator.packet.Packets;
import org.nsvpn.simulator.packet.TcpSegment;
import org.nsvpn.simulator.packet.UdpDatagram;
import org.nsvpn.simulator.result.DropReason;
import org.nsvpn.simulator.result.Emission;
import org.nsvpn.simulator.result.EmissionKind;
import org.nsvpn.simulator.result.SimulationResult;
import org.nsvpn.simulator.state.ArpCache;
import org.nsvpn.simulator.state.LearningConfig;
import org.nsvpn.simulator.state.NetworkState;
import org.nsvpn.simulator.testing.ManualTicker;
import org.nsvpn.simulator.testing.TestNetwork;

class RouterTest {
  private static final MacAddress MAC_A = MacAddress.parse("02:00:00:00:0a:01");
  private static final MacAddress MAC_B = MacAddress.parse("02:00:00:00:0b:01");
  private static final MacAddress HOST_A_MAC = MacAddress.parse("02:00:00:00:0a:10");
  private static final MacAddress HOST_B_MAC = MacAddress.parse("02:00:00:00:0b:10");
  private static final Ipv4Address ROUTER_A = Ipv4Address.parse("192.0.2.1");
  private static final Ipv4Address ROUTER_B = Ipv4Address.parse("198.51.100.1");
  private static final Ipv4Address HOST_A = Ipv4Address.parse("192.0.2.10");
  private static final Ipv4Address HOST_B = Ipv4Address.parse("198.51.100.10");
  private static final Bytes DATA = Bytes.fromHex("cafebabe");

  private final ManualTicker ticker = new ManualTicker();
  private final NetworkState state = NetworkState.create(ticker, LearningConfig.DEFAULT);

  private static TestNetwork.Builder base() {
    return TestNetwork.builder()
        .router("r1")
        .routerPort("r1.a", MAC_A.toString(), "192.0.2.1/25")
        .bind("r1.a")
        .routerPort("r1.b", MAC_B.toString(), "198.51.100.1/24", "2001:db8:b::1/64")
        .bind("r1.b")
        .routerPort("r1.c", "02:00:00:00:0c:01", "203.0.113.1/24")
        .routerPort("r1.d", "02:00:00:00:0d:01")
        .bind("r1.d")
        .routerPort("r1.e", "02:00:00:00:0e:01", "169.254.50.1/24")
        .bind("r1.e")
        .down("r1.e")
        .rejectRoute("r1", "198.51.100.128/26")
        .blackholeRoute("r1", "198.51.100.64/26")
        .route("r1", "169.254.100.0/24", "r1.d", null);
  }

  private final TestNetwork net = base().build();
  private final Simulator sim = net.simulator(state);
  private final PortId a = net.port("r1.a");
  private final PortId b = net.port("r1.b");

  private static Ipv4Builder fromHostA(Ipv4Address to) {
    return Packets.ethernet(HOST_A_MAC, MAC_A).ipv4(HOST_A, to);
  }

  private void knowHostB() {
    state.arpCache(net.router("r1")).putPermanent(b, HOST_B, HOST_B_MAC);
  }

  private static Ipv4Packet ipOf(Emission e) {
    return (Ipv4Packet) EthernetFrame.decode(e.frame()).payload();
  }

  // ---- forwarding -----------------------------------------------------------------------------

  @Test
  void forwardsWithMacsRewrittenAndTtlDecremented() {
    knowHostB();

    SimulationResult result = sim.simulate(a, fromHostA(HOST_B).ttl(9).udp(1, 2, DATA).encode());

    assertThat(result.emissions())
        .containsExactly(
            Emission.of(
                b,
                Packets.ethernet(MAC_B, HOST_B_MAC)
                    .ipv4(HOST_A, HOST_B)
                    .ttl(8)
                    .udp(1, 2, DATA)
                    .encode(),
                EmissionKind.FORWARDED));
  }

  @Test
  void answersIcmpEchoForItsAddressesOnAnyPort() {
    for (Ipv4Address own : List.of(ROUTER_A, ROUTER_B)) {
      SimulationResult result =
          sim.simulate(a, fromHostA(own).identification(5).icmpEchoRequest(0x77, 3, DATA).encode());

      assertThat(result).isInstanceOf(SimulationResult.Consume.class);
      assertThat(result.emissions())
          .containsExactly(
              Emission.of(
                  a,
                  Packets.ethernet(MAC_A, HOST_A_MAC)
                      .ipv4(own, HOST_A)
                      .icmpEchoReply(0x77, 3, DATA)
                      .encode(),
                  EmissionKind.ICMP_REPLY));
    }
  }

  @Test
  void aTtlRunningOutIsDroppedWithTimeExceededQuotingThePacket() {
    knowHostB();
    for (int ttl : new int[] {0, 1}) {
      byte[] frame = fromHostA(HOST_B).ttl(ttl).udp(1, 2, DATA).encode();

      SimulationResult result = sim.simulate(a, frame);

      assertThat(dropReason(result)).isEqualTo(DropReason.TTL_EXCEEDED);
      assertThat(result.generated()).hasSize(1);
      Emission error = result.generated().get(0);
      assertThat(error.port()).isEqualTo(a);
      assertThat(error.kind()).isEqualTo(EmissionKind.ICMP_ERROR);
      Ipv4Packet ip = ipOf(error);
      assertThat(ip.source()).isEqualTo(ROUTER_A);
      assertThat(ip.destination()).isEqualTo(HOST_A);
      assertThat(ip.payload())
          .isEqualTo(
              IcmpPacket.timeExceeded(
                  IcmpPacket.TTL_EXCEEDED_IN_TRANSIT, Bytes.copyOf(frame, 14, frame.length - 14)));
    }
  }

  @Test
  void noRouteIsNetUnreachableAndRejectRoutesAreHostUnreachable() {
    SimulationResult none =
        sim.simulate(a, fromHostA(Ipv4Address.parse("192.0.2.200")).udp(1, 2, DATA).encode());
    assertThat(dropReason(none)).isEqualTo(DropReason.NO_ROUTE);
    assertThat(((IcmpPacket) ipOf(none.generated().get(0)).payload()).code())
        .isEqualTo(IcmpPacket.NET_UNREACHABLE);

    SimulationResult rejected =
        sim.simulate(a, fromHostA(Ipv4Address.parse("198.51.100.150")).udp(1, 2, DATA).encode());
    assertThat(dropReason(rejected)).isEqualTo(DropReason.REJECT_ROUTE);
    IcmpPacket icmp = (IcmpPacket) ipOf(rejected.generated().get(0)).payload();
    assertThat(icmp.type()).isEqualTo(IcmpPacket.DESTINATION_UNREACHABLE);
    assertThat(icmp.code()).isEqualTo(IcmpPacket.HOST_UNREACHABLE);
  }

  @Test
  void blackholeRoutesDropSilently() {
    SimulationResult result =
        sim.simulate(a, fromHostA(Ipv4Address.parse("198.51.100.70")).udp(1, 2, DATA).encode());

    assertThat(dropReason(result)).isEqualTo(DropReason.BLACKHOLE_ROUTE);
    assertThat(result.emissions()).isEmpty();
  }

  @Test
  void noIcmpErrorIsSentAboutAnIcmpErrorOrABroadcastSource() {
    byte[] error =
        fromHostA(Ipv4Address.parse("192.0.2.200"))
            .payload(IcmpPacket.destinationUnreachable(3, Bytes.zeros(28)))
            .encode();
    SimulationResult aboutError = sim.simulate(a, error);
    assertThat(dropReason(aboutError)).isEqualTo(DropReason.NO_ROUTE);
    assertThat(aboutError.emissions()).isEmpty();

    byte[] echo = fromHostA(Ipv4Address.parse("192.0.2.200")).icmpEchoRequest(1, 1, DATA).encode();
    assertThat(sim.simulate(a, echo).generated()).hasSize(1);
  }

  @Test
  void egressPortDownOrUnboundDropsWithoutFallingBackToAnotherRoute() {
    SimulationResult down =
        sim.simulate(a, fromHostA(Ipv4Address.parse("169.254.50.9")).udp(1, 2, DATA).encode());
    assertThat(dropReason(down)).isEqualTo(DropReason.EGRESS_PORT_DOWN);

    SimulationResult unbound =
        sim.simulate(a, fromHostA(Ipv4Address.parse("203.0.113.9")).udp(1, 2, DATA).encode());
    assertThat(dropReason(unbound)).isEqualTo(DropReason.EGRESS_PORT_UNBOUND);
    assertThat(unbound.emissions()).isEmpty();
  }

  @Test
  void aPortWithoutIpv4AddressCannotResolveANextHop() {
    SimulationResult result =
        sim.simulate(a, fromHostA(Ipv4Address.parse("169.254.100.9")).udp(1, 2, DATA).encode());

    assertThat(dropReason(result)).isEqualTo(DropReason.NEIGHBOUR_UNRESOLVED);
    assertThat(dropDetail(result)).contains("no IPv4 address");
  }

  @Test
  void unroutableAddressesAreDropped() {
    for (String[] pair :
        new String[][] {
          {"192.0.2.10", "255.255.255.255"},
          {"192.0.2.10", "224.0.0.5"},
          {"0.0.0.0", "198.51.100.10"},
          {"192.0.2.10", "198.51.100.255"}
        }) {
      knowHostB();
      byte[] frame =
          Packets.ethernet(HOST_A_MAC, MAC_A).ipv4(pair[0], pair[1]).udp(68, 67, DATA).encode();
      SimulationResult result = sim.simulate(a, frame);
      assertThat(dropReason(result))
          .as("%s -> %s", pair[0], pair[1])
          .isEqualTo(DropReason.NOT_ROUTABLE);
      assertThat(result.emissions()).isEmpty();
    }
  }

  @Test
  void takesOnlyFramesForItsPortMac() {
    byte[] wrongMac =
        Packets.ethernet(HOST_A_MAC, MAC_B).ipv4(HOST_A, HOST_B).udp(1, 2, DATA).encode();
    assertThat(dropReason(sim.simulate(a, wrongMac))).isEqualTo(DropReason.NOT_ADDRESSED_TO_ROUTER);

    byte[] lldp = Packets.ethernet(HOST_A_MAC, MAC_A).raw(0x88cc, DATA).encode();
    assertThat(dropReason(sim.simulate(a, lldp))).isEqualTo(DropReason.UNSUPPORTED_ETHERTYPE);

    byte[] tagged =
        Packets.ethernet(HOST_A_MAC, MAC_A).vlan(10).ipv4(HOST_A, HOST_B).udp(1, 2, DATA).encode();
    assertThat(dropDetail(sim.simulate(a, tagged))).contains("802.1Q");
  }

  @Test
  void aDownRouterOrIngressPortDropsEverything() {
    byte[] echo = fromHostA(ROUTER_A).icmpEchoRequest(1, 1, DATA).encode();
    Simulator routerDown = base().routerDown("r1").build().simulator(state);
    assertThat(dropReason(routerDown.simulate(a, echo))).isEqualTo(DropReason.DEVICE_DOWN);
    Simulator portDown = base().down("r1.a").build().simulator(state);
    assertThat(dropReason(portDown.simulate(a, echo))).isEqualTo(DropReason.INGRESS_PORT_DOWN);
  }

  @Test
  void anExplicitRouteToAnOwnAddressIsHonouredOverTheLocalRoute() {
    // A /32 route with a longer source prefix beats the implied local route for 192.0.2.1.
    TestNetwork shadowed =
        base().route("r1", "192.0.2.0/25", "192.0.2.1/32", "r1.b", "198.51.100.10").build();
    Simulator s = shadowed.simulator(state);
    knowHostB();

    SimulationResult result =
        s.simulate(a, fromHostA(ROUTER_A).icmpEchoRequest(1, 1, DATA).encode());

    assertThat(result).isInstanceOf(SimulationResult.Emit.class);
    assertThat(result.emissions()).extracting(Emission::port).containsExactly(b);
  }

  // ---- filters ---------------------------------------------------------------------------------

  @Test
  void inboundFilterDropsAndRejects() {
    TestNetwork filtered =
        base()
            .rule("in", Condition.builder().nwProto(6).build(), LiteralAction.DROP)
            .rule("in", Condition.builder().nwProto(17).build(), LiteralAction.REJECT)
            .inboundFilter("r1", "in")
            .build();
    Simulator s = filtered.simulator(state);
    knowHostB();

    SimulationResult tcp = s.simulate(a, fromHostA(HOST_B).tcp(1, 2, TcpSegment.SYN).encode());
    assertThat(dropReason(tcp)).isEqualTo(DropReason.FILTER_DROP);
    assertThat(dropDetail(tcp)).contains("inbound filter of router r1");
    assertThat(tcp.emissions()).isEmpty();

    SimulationResult udp = s.simulate(a, fromHostA(HOST_B).udp(1, 2, DATA).encode());
    assertThat(dropReason(udp)).isEqualTo(DropReason.FILTER_REJECT);
    assertThat(((IcmpPacket) ipOf(udp.generated().get(0)).payload()).code())
        .isEqualTo(IcmpPacket.ADMINISTRATIVELY_PROHIBITED);

    SimulationResult icmp = s.simulate(a, fromHostA(ROUTER_A).icmpEchoRequest(1, 1, DATA).encode());
    assertThat(icmp).isInstanceOf(SimulationResult.Consume.class);
  }

  @Test
  void outboundFilterSeesTheEgressPort() {
    TestNetwork filtered = base().build();
    TestNetwork withFilter =
        base()
            .rule(
                "out",
                Condition.builder().outPorts(filtered.port("r1.b")).build(),
                LiteralAction.DROP)
            .outboundFilter("r1", "out")
            .build();
    Simulator s = withFilter.simulator(state);
    knowHostB();

    assertThat(dropReason(s.simulate(a, fromHostA(HOST_B).udp(1, 2, DATA).encode())))
        .isEqualTo(DropReason.FILTER_DROP);
    assertThat(s.simulate(a, fromHostA(ROUTER_A).icmpEchoRequest(1, 1, DATA).encode()))
        .isInstanceOf(SimulationResult.Consume.class);
  }

  // ---- ARP ------------------------------------------------------------------------------------

  @Test
  void answersArpOnlyForTheIngressPortsAddressesAndLearnsTheAsker() {
    byte[] forA =
        Packets.ethernet(HOST_A_MAC, MacAddress.BROADCAST).arpRequest(HOST_A, ROUTER_A).encode();
    SimulationResult answered = sim.simulate(a, forA);
    assertThat(answered.emissions())
        .containsExactly(
            Emission.of(
                a,
                Packets.ethernet(MAC_A, HOST_A_MAC).arpReply(ROUTER_A, HOST_A_MAC, HOST_A).encode(),
                EmissionKind.ARP_REPLY));
    assertThat(state.arpCache(net.router("r1")).lookup(a, HOST_A)).contains(HOST_A_MAC);

    byte[] forB =
        Packets.ethernet(HOST_A_MAC, MacAddress.BROADCAST).arpRequest(HOST_A, ROUTER_B).encode();
    SimulationResult notHere = sim.simulate(a, forB);
    assertThat(dropReason(notHere)).isEqualTo(DropReason.ARP_NOT_HANDLED);
    assertThat(dropDetail(notHere)).contains("is not an address of");
  }

  @Test
  void holdsFramesWhileResolvingAndReleasesThemInOrder() {
    ArpCache arp = state.arpCache(net.router("r1"));
    byte[] request =
        Packets.ethernet(MAC_B, MacAddress.BROADCAST).arpRequest(ROUTER_B, HOST_B).encode();

    SimulationResult first = sim.simulate(a, fromHostA(HOST_B).udp(1, 1, DATA).encode());
    SimulationResult second = sim.simulate(a, fromHostA(HOST_B).udp(1, 2, DATA).encode());
    SimulationResult third = sim.simulate(a, fromHostA(HOST_B).udp(1, 3, DATA).encode());
    SimulationResult fourth = sim.simulate(a, fromHostA(HOST_B).udp(1, 4, DATA).encode());

    assertThat(first).isInstanceOf(SimulationResult.Hold.class);
    assertThat(first.emissions())
        .containsExactly(Emission.of(b, request, EmissionKind.ARP_REQUEST));
    assertThat(second).isInstanceOf(SimulationResult.Hold.class);
    assertThat(second.emissions()).isEmpty();
    assertThat(third).isInstanceOf(SimulationResult.Hold.class);
    assertThat(dropReason(fourth)).isEqualTo(DropReason.NEIGHBOUR_UNRESOLVED);
    assertThat(arp.discardedFrames()).isEqualTo(1);

    ticker.advance(Duration.ofSeconds(1));
    SimulationResult retry = sim.simulate(a, fromHostA(HOST_B).udp(1, 5, DATA).encode());
    assertThat(retry.emissions())
        .containsExactly(Emission.of(b, request, EmissionKind.ARP_REQUEST));

    SimulationResult reply =
        sim.simulate(
            b, Packets.ethernet(HOST_B_MAC, MAC_B).arpReply(HOST_B, MAC_B, ROUTER_B).encode());
    assertThat(reply).isInstanceOf(SimulationResult.Consume.class);
    assertThat(reply.emissions())
        .extracting(e -> EthernetFrame.decode(e.frame()))
        .extracting(f -> ((UdpDatagram) ((Ipv4Packet) f.payload()).payload()).destinationPort())
        .containsExactly(1, 2, 3);
    assertThat(reply.emissions())
        .allMatch(e -> e.kind() == EmissionKind.RELEASED && e.port().equals(b));
  }

  @Test
  void givesUpOnUnansweredAddressesAndReResolvesExpiredOnes() {
    ArpCache arp = state.arpCache(net.router("r1"));
    sim.simulate(a, fromHostA(HOST_B).udp(1, 1, DATA).encode());
    ticker.advance(LearningConfig.DEFAULT.arpPendingTimeout());

    SimulationResult again = sim.simulate(a, fromHostA(HOST_B).udp(1, 2, DATA).encode());
    assertThat(again).isInstanceOf(SimulationResult.Hold.class);
    assertThat(again.generated()).hasSize(1);
    assertThat(arp.discardedFrames()).isEqualTo(1);

    sim.simulate(b, Packets.ethernet(HOST_B_MAC, MAC_B).arpReply(HOST_B, MAC_B, ROUTER_B).encode());
    assertThat(sim.simulate(a, fromHostA(HOST_B).udp(1, 3, DATA).encode()))
        .isInstanceOf(SimulationResult.Emit.class);

    ticker.advance(LearningConfig.DEFAULT.arpTimeout());
    assertThat(sim.simulate(a, fromHostA(HOST_B).udp(1, 4, DATA).encode()))
        .isInstanceOf(SimulationResult.Hold.class);
  }

  @Test
  void anEntryHalfWayToExpiringIsRefreshedWhileStillUsed() {
    byte[] request =
        Packets.ethernet(MAC_B, MacAddress.BROADCAST).arpRequest(ROUTER_B, HOST_B).encode();
    sim.simulate(a, fromHostA(HOST_B).udp(1, 1, DATA).encode());
    sim.simulate(b, Packets.ethernet(HOST_B_MAC, MAC_B).arpReply(HOST_B, MAC_B, ROUTER_B).encode());
    assertThat(sim.simulate(a, fromHostA(HOST_B).udp(1, 2, DATA).encode()).emissions())
        .as("a fresh entry: the frame alone")
        .hasSize(1);

    ticker.advance(LearningConfig.DEFAULT.arpTimeout().dividedBy(2));
    SimulationResult half = sim.simulate(a, fromHostA(HOST_B).udp(1, 3, DATA).encode());
    assertThat(half).isInstanceOf(SimulationResult.Emit.class);
    assertThat(half.emissions()).hasSize(2);
    assertThat(half.emissions().get(1))
        .isEqualTo(Emission.of(b, request, EmissionKind.ARP_REQUEST));
    assertThat(sim.simulate(a, fromHostA(HOST_B).udp(1, 4, DATA).encode()).emissions())
        .as("at most one request per retry interval")
        .hasSize(1);

    sim.simulate(b, Packets.ethernet(HOST_B_MAC, MAC_B).arpReply(HOST_B, MAC_B, ROUTER_B).encode());
    ticker.advance(LearningConfig.DEFAULT.arpTimeout().dividedBy(2).plusSeconds(1));
    assertThat(sim.simulate(a, fromHostA(HOST_B).udp(1, 5, DATA).encode()))
        .as("refreshed by the reply: still resolved after the first entry's lifetime")
        .isInstanceOf(SimulationResult.Emit.class);
  }

  @Test
  void permanentEntriesAreNotOverwrittenByArp() {
    knowHostB();
    MacAddress impostor = MacAddress.parse("02:00:00:00:66:66");
    sim.simulate(b, Packets.ethernet(impostor, MAC_B).arpReply(HOST_B, MAC_B, ROUTER_B).encode());

    assertThat(state.arpCache(net.router("r1")).lookup(b, HOST_B)).contains(HOST_B_MAC);
  }

  @Test
  void neverLearnsItsOwnAddressesOrOffLinkSenders() {
    MacAddress impostor = MacAddress.parse("02:00:00:00:66:66");
    for (IpAddress sender : List.of(ROUTER_B, HOST_A)) {
      SimulationResult result =
          sim.simulate(
              b,
              Packets.ethernet(impostor, MacAddress.BROADCAST)
                  .arpRequest((Ipv4Address) sender, ROUTER_B)
                  .encode());
      assertThat(dropReason(result)).isEqualTo(DropReason.ARP_NOT_HANDLED);
      assertThat(state.arpCache(net.router("r1")).contains(b, sender)).isFalse();
    }
  }

  // ---- IPv6 -----------------------------------------------------------------------------------

  @Test
  void ipv6IsForwardedToKnownNeighboursWithTheHopLimitDecremented() {
    TestNetwork v6 =
        base().routerPort("r1.f", "02:00:00:00:0f:01", "2001:db8:f::1/64").bind("r1.f").build();
    Simulator s = v6.simulator(state);
    byte[] frame =
        Packets.ethernet(HOST_B_MAC, MAC_B)
            .ipv6("2001:db8:b::10", "2001:db8:f::10")
            .hopLimit(5)
            .udp(1, 2, DATA)
            .encode();

    SimulationResult unresolved = s.simulate(b, frame);
    assertThat(unresolved)
        .as("an unknown neighbour is solicited (NeighbourDiscoveryTest)")
        .isInstanceOf(SimulationResult.Hold.class);

    MacAddress neighbour = MacAddress.parse("02:00:00:00:0f:10");
    state
        .arpCache(v6.router("r1"))
        .putPermanent(v6.port("r1.f"), IpAddress.parse("2001:db8:f::10"), neighbour);
    SimulationResult forwarded = s.simulate(b, frame);
    assertThat(forwarded.emissions())
        .containsExactly(
            Emission.of(
                v6.port("r1.f"),
                Packets.ethernet(MacAddress.parse("02:00:00:00:0f:01"), neighbour)
                    .ipv6("2001:db8:b::10", "2001:db8:f::10")
                    .hopLimit(4)
                    .udp(1, 2, DATA)
                    .encode(),
                EmissionKind.FORWARDED));

    byte[] lastHop =
        Packets.ethernet(HOST_B_MAC, MAC_B)
            .ipv6("2001:db8:b::10", "2001:db8:f::10")
            .hopLimit(1)
            .udp(1, 2, DATA)
            .encode();
    assertThat(dropReason(s.simulate(b, lastHop))).isEqualTo(DropReason.TTL_EXCEEDED);
  }
}
