package org.nsvpn.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nsvpn.simulator.testing.Results.dropReason;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.rules.Condition;
import org.nsvpn.chainrules.rules.LiteralAction;
import org.nsvpn.simulator.packet.Bytes;
import org.nsvpn.simulator.packet.Packets;
import org.nsvpn.simulator.result.DropReason;
import org.nsvpn.simulator.result.Emission;
import org.nsvpn.simulator.result.EmissionKind;
import org.nsvpn.simulator.result.SimulationResult;
import org.nsvpn.simulator.state.LearningConfig;
import org.nsvpn.simulator.state.NetworkState;
import org.nsvpn.simulator.testing.ManualTicker;
import org.nsvpn.simulator.testing.TestNetwork;

class BridgeTest {
  private static final MacAddress M1 = MacAddress.parse("02:00:00:00:00:01");
  private static final MacAddress M2 = MacAddress.parse("02:00:00:00:00:02");
  private static final MacAddress M3 = MacAddress.parse("02:00:00:00:00:03");
  private static final MacAddress ROUTER_MAC = MacAddress.parse("02:00:00:00:00:fe");
  private static final Bytes DATA = Bytes.fromHex("0102");

  private final ManualTicker ticker = new ManualTicker();
  private final NetworkState state = NetworkState.create(ticker, LearningConfig.DEFAULT);

  private static TestNetwork.Builder base() {
    return TestNetwork.builder()
        .bridge("b1")
        .bridgePort("b1.p1")
        .bind("b1.p1")
        .bridgePort("b1.p2")
        .bind("b1.p2")
        .bridgePort("b1.p3")
        .bind("b1.p3")
        .bridgePort("b1.r")
        .router("r1")
        .routerPort("r1.x", ROUTER_MAC.toString(), "192.0.2.1/24")
        .link("b1.r", "r1.x");
  }

  private final TestNetwork net = base().build();
  private final Simulator sim = net.simulator(state);
  private final PortId p1 = net.port("b1.p1");
  private final PortId p2 = net.port("b1.p2");
  private final PortId p3 = net.port("b1.p3");

  private static byte[] frame(MacAddress src, MacAddress dst) {
    return Packets.ethernet(src, dst).ipv4("192.0.2.10", "192.0.2.20").udp(1, 2, DATA).encode();
  }

  private static byte[] tagged(MacAddress src, MacAddress dst, int vlan) {
    return Packets.ethernet(src, dst)
        .vlan(vlan)
        .ipv4("192.0.2.10", "192.0.2.20")
        .udp(1, 2, DATA)
        .encode();
  }

  @Test
  void unknownUnicastIsFloodedToEveryOtherPort() {
    byte[] f = frame(M1, M2);

    SimulationResult result = sim.simulate(p1, f);

    // The copy that reaches the router is not for its MAC: dropped there, flooded elsewhere.
    assertThat(result).isInstanceOf(SimulationResult.Emit.class);
    assertThat(result.emissions())
        .containsExactly(
            Emission.of(p2, f, EmissionKind.FORWARDED), Emission.of(p3, f, EmissionKind.FORWARDED));
  }

  @Test
  void learnedAddressesAreReachedDirectlyUntilTheyAgeOut() {
    sim.simulate(p2, frame(M2, MacAddress.BROADCAST));
    byte[] f = frame(M1, M2);

    assertThat(sim.simulate(p1, f).emissions())
        .containsExactly(Emission.of(p2, f, EmissionKind.FORWARDED));

    ticker.advance(LearningConfig.DEFAULT.macAging().minusSeconds(1));
    assertThat(sim.simulate(p1, f).emissions()).hasSize(1);
    ticker.advance(Duration.ofSeconds(1));
    assertThat(sim.simulate(p1, f).emissions()).hasSize(2);
  }

  @Test
  void anAddressThatMovesIsFollowed() {
    sim.simulate(p2, frame(M2, MacAddress.BROADCAST));
    sim.simulate(p3, frame(M2, MacAddress.BROADCAST));

    assertThat(sim.simulate(p1, frame(M1, M2)).emissions())
        .extracting(Emission::port)
        .containsExactly(p3);
  }

  @Test
  void learningIsPerVlan() {
    sim.simulate(p2, tagged(M2, MacAddress.BROADCAST, 10));

    assertThat(sim.simulate(p1, tagged(M1, M2, 10)).emissions())
        .extracting(Emission::port)
        .containsExactly(p2);
    assertThat(sim.simulate(p1, tagged(M1, M2, 20)).emissions())
        .extracting(Emission::port)
        .containsExactly(p2, p3);
  }

  @Test
  void aFrameForAnAddressOnItsOwnPortIsDropped() {
    sim.simulate(p1, frame(M2, MacAddress.BROADCAST));

    assertThat(dropReason(sim.simulate(p1, frame(M1, M2)))).isEqualTo(DropReason.SAME_PORT);
  }

  @Test
  void broadcastArpReachesEveryPortAndTheRouterAnswers() {
    byte[] request =
        Packets.ethernet(M1, MacAddress.BROADCAST)
            .arpRequest(Ipv4Address.parse("192.0.2.10"), Ipv4Address.parse("192.0.2.1"))
            .encode();

    SimulationResult result = sim.simulate(p1, request);

    assertThat(result).isInstanceOf(SimulationResult.Emit.class);
    assertThat(result.emissions())
        .containsExactly(
            Emission.of(p2, request, EmissionKind.FORWARDED),
            Emission.of(p3, request, EmissionKind.FORWARDED),
            Emission.of(
                p1,
                Packets.ethernet(ROUTER_MAC, M1)
                    .arpReply(Ipv4Address.parse("192.0.2.1"), M1, Ipv4Address.parse("192.0.2.10"))
                    .encode(),
                EmissionKind.ARP_REPLY));
  }

  @Test
  void theMacOfALinkedRouterPortIsKnownAndCannotBeStolen() {
    // A VM spoofing the router's MAC does not divert traffic for the router.
    sim.simulate(p3, frame(ROUTER_MAC, MacAddress.BROADCAST));
    byte[] toRouter =
        Packets.ethernet(M1, ROUTER_MAC)
            .ipv4("192.0.2.10", "192.0.2.1")
            .icmpEchoRequest(1, 1, DATA)
            .encode();

    SimulationResult result = sim.simulate(p1, toRouter);

    assertThat(result).isInstanceOf(SimulationResult.Consume.class);
    assertThat(result.emissions()).extracting(Emission::port).containsExactly(p1);
    assertThat(result.emissions())
        .extracting(Emission::kind)
        .containsExactly(EmissionKind.ICMP_REPLY);
  }

  @Test
  void filtersApplyOnTheWayInAndPerPortOnTheWayOut() {
    TestNetwork filtered = base().build();
    TestNetwork net2 =
        base()
            .rule("in", Condition.builder().ethSrc(M3).build(), LiteralAction.DROP)
            .inboundFilter("b1", "in")
            .rule(
                "out",
                Condition.builder().outPorts(filtered.port("b1.p3")).build(),
                LiteralAction.DROP)
            .outboundFilter("b1", "out")
            .build();
    Simulator s = net2.simulator(state);

    assertThat(dropReason(s.simulate(p1, frame(M3, M2)))).isEqualTo(DropReason.FILTER_DROP);
    assertThat(s.simulate(p1, frame(M1, M2)).emissions())
        .extracting(Emission::port)
        .containsExactly(p2);
  }

  @Test
  void downPortsAndDownBridgesCarryNothing() {
    Simulator s = base().down("b1.p3").build().simulator(state);
    assertThat(s.simulate(p1, frame(M1, M2)).emissions())
        .extracting(Emission::port)
        .containsExactly(p2);
    assertThat(dropReason(s.simulate(p3, frame(M3, M2)))).isEqualTo(DropReason.INGRESS_PORT_DOWN);

    Simulator down = base().bridgeDown("b1").build().simulator(state);
    assertThat(dropReason(down.simulate(p1, frame(M1, M2)))).isEqualTo(DropReason.DEVICE_DOWN);
  }

  @Test
  void aBridgeWithOnePortHasNowhereToSendAFrame() {
    TestNetwork lonely =
        TestNetwork.builder().bridge("b").bridgePort("b.only").bind("b.only").build();

    SimulationResult result =
        lonely.simulator(state).simulate(lonely.port("b.only"), frame(M1, M2));

    assertThat(dropReason(result)).isEqualTo(DropReason.NO_EGRESS);
  }

  @Test
  void aLoopOfBridgesEndsAtTheHopLimit() {
    TestNetwork loop =
        TestNetwork.builder()
            .bridge("a")
            .bridgePort("a.in")
            .bind("a.in")
            .bridgePort("a.l1")
            .bridgePort("a.l2")
            .bridge("b")
            .bridgePort("b.l1")
            .bridgePort("b.l2")
            .bridgePort("b.out")
            .bind("b.out")
            .link("a.l1", "b.l1")
            .link("a.l2", "b.l2")
            .build();

    SimulationResult result =
        loop.simulator(state).simulate(loop.port("a.in"), frame(M1, MacAddress.BROADCAST));

    assertThat(result).isInstanceOf(SimulationResult.Emit.class);
    assertThat(result.emissions().size()).isBetween(2, 2 * SimulatorConfig.DEFAULT.maxHops());
  }

  @Test
  void aMeshedLoopOfBridgesIsCutByTheTotalVisitBudget() {
    // Four bridges linked pairwise: every flood branches in two, 2^15 paths at the hop limit.
    TestNetwork.Builder b = TestNetwork.builder();
    String[] names = {"a", "b", "c", "d"};
    for (String n : names) {
      b.bridge(n);
      for (String m : names) {
        if (!m.equals(n)) {
          b.bridgePort(n + "." + m);
        }
      }
    }
    for (int i = 0; i < names.length; i++) {
      for (int j = i + 1; j < names.length; j++) {
        b.link(names[i] + "." + names[j], names[j] + "." + names[i]);
      }
    }
    TestNetwork mesh = b.bridgePort("a.in").bind("a.in").build();

    SimulationResult result =
        mesh.simulator(state).simulate(mesh.port("a.in"), frame(M1, MacAddress.BROADCAST));

    assertThat(result).isInstanceOf(SimulationResult.Emit.class);
    assertThat(result.emissions().size()).isBetween(1, 4096);
  }
}
