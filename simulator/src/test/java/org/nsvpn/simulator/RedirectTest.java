package org.nsvpn.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nsvpn.simulator.testing.Results.dropDetail;
import static org.nsvpn.simulator.testing.Results.dropReason;

import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.rules.Condition;
import org.nsvpn.chainrules.rules.PortRange;
import org.nsvpn.simulator.packet.Bytes;
import org.nsvpn.simulator.packet.Packets;
import org.nsvpn.simulator.result.DropReason;
import org.nsvpn.simulator.result.Emission;
import org.nsvpn.simulator.result.EmissionKind;
import org.nsvpn.simulator.result.SimulationResult;
import org.nsvpn.simulator.state.NetworkState;
import org.nsvpn.simulator.testing.TestNetwork;

/**
 * l2-transform redirects: egress (leave by the target, unchanged), ingress (enter at the target),
 * fail-open (passed over when the target is unavailable) and fail-closed (dropped).
 */
class RedirectTest {
  private static final MacAddress UP_MAC = MacAddress.parse("02:00:00:00:01:01");
  private static final MacAddress PEER_MAC = MacAddress.parse("02:00:00:00:01:99");
  private static final Condition ESP =
      Condition.builder().nwDst(IpSubnet.parse("192.0.2.1/32")).nwProto(50).build();
  private static final Condition ANY_ESP = Condition.builder().nwProto(50).build();
  private static final Condition ICMP = Condition.builder().nwProto(1).build();

  private final NetworkState state = NetworkState.create();

  private static TestNetwork.Builder base() {
    return TestNetwork.builder()
        .router("r1")
        .routerPort("r1.up", UP_MAC.toString(), "192.0.2.1/24")
        .bind("r1.up")
        .routerPort("r1.ns", "02:00:00:00:01:02", "169.254.7.1/30")
        .bind("r1.ns")
        .routerPort("r1.alt", "02:00:00:00:01:03", "169.254.8.1/30")
        .bind("r1.alt")
        .routerPort("r1.off", "02:00:00:00:01:04", "169.254.9.1/30")
        .bind("r1.off")
        .down("r1.off")
        .routerPort("r1.free", "02:00:00:00:01:05", "169.254.10.1/30")
        .routerPort("r1.link", "02:00:00:00:01:06", "169.254.11.1/30")
        .bridge("b1")
        .bridgePort("b1.r")
        .bridgePort("b1.in")
        .bridgePort("b1.out")
        .bind("b1.out")
        .link("b1.r", "r1.link");
  }

  private static byte[] esp(String dst) {
    return Packets.ethernet(PEER_MAC, UP_MAC)
        .ipv4("192.0.2.99", dst)
        .ttl(50)
        .esp(0x1000, 1, Bytes.fromHex("00112233445566778899"))
        .encode();
  }

  private static byte[] ping() {
    return Packets.ethernet(PEER_MAC, UP_MAC)
        .ipv4("192.0.2.99", "192.0.2.1")
        .icmpEchoRequest(1, 1, Bytes.fromHex("01"))
        .encode();
  }

  private SimulationResult run(TestNetwork net, byte[] frame) {
    return net.simulator(state).simulate(net.port("r1.up"), frame);
  }

  @Test
  void anEgressRedirectEmitsTheFrameUnchangedOutOfTheTarget() {
    TestNetwork net =
        base().redirect("lr", ESP, "r1.ns", false, false).localRedirectChain("r1", "lr").build();
    byte[] frame = esp("192.0.2.1");

    assertThat(run(net, frame).emissions())
        .containsExactly(Emission.of(net.port("r1.ns"), frame, EmissionKind.REDIRECTED));
  }

  @Test
  void anIngressRedirectProcessesTheFrameAsIfItArrivedOnTheTarget() {
    TestNetwork net =
        base().redirect("lr", ESP, "b1.in", true, false).localRedirectChain("r1", "lr").build();
    byte[] frame = esp("192.0.2.1");

    // Entering bridge b1 at b1.in: the destination MAC is unknown there, so it floods; the copy
    // reaching the router's r1.link is not for that port's MAC and is dropped.
    SimulationResult result = run(net, frame);

    assertThat(result).isInstanceOf(SimulationResult.Emit.class);
    assertThat(result.emissions())
        .containsExactly(Emission.of(net.port("b1.out"), frame, EmissionKind.REDIRECTED));
    assertThat(state.macTable(net.bridge("b1")).lookup(0, PEER_MAC)).contains(net.port("b1.in"));
  }

  @Test
  void anEgressRedirectToAnInteriorPortHandsTheFrameToThePeerDevice() {
    TestNetwork net =
        base().redirect("lr", ESP, "r1.link", false, false).localRedirectChain("r1", "lr").build();
    byte[] frame = esp("192.0.2.1");

    assertThat(run(net, frame).emissions())
        .containsExactly(Emission.of(net.port("b1.out"), frame, EmissionKind.REDIRECTED));
  }

  @Test
  void aFailOpenRedirectToAnUnavailablePortIsPassedOver() {
    for (String unavailable : new String[] {"r1.off", "r1.free"}) {
      TestNetwork net =
          base()
              .redirect("lr", ESP, unavailable, false, true)
              .redirect("lr", ESP, "r1.alt", false, false)
              .redirect("lr", ICMP, unavailable, false, true)
              .localRedirectChain("r1", "lr")
              .build();
      byte[] frame = esp("192.0.2.1");

      assertThat(run(net, frame).emissions())
          .as(unavailable)
          .containsExactly(Emission.of(net.port("r1.alt"), frame, EmissionKind.REDIRECTED));
      // With no rule after it, the router answers the ping itself.
      assertThat(run(net, ping())).isInstanceOf(SimulationResult.Consume.class);
    }
  }

  @Test
  void aFailClosedRedirectToAnUnavailablePortDropsTheFrame() {
    TestNetwork down =
        base().redirect("lr", ESP, "r1.off", false, false).localRedirectChain("r1", "lr").build();
    SimulationResult toDown = run(down, esp("192.0.2.1"));
    assertThat(dropReason(toDown)).isEqualTo(DropReason.REDIRECT_TARGET_UNAVAILABLE);
    assertThat(dropDetail(toDown))
        .contains("local-redirect chain of router r1")
        .endsWith("which is down");

    TestNetwork unbound =
        base().redirect("lr", ESP, "r1.free", false, false).localRedirectChain("r1", "lr").build();
    SimulationResult toUnbound = run(unbound, esp("192.0.2.1"));
    assertThat(dropReason(toUnbound)).isEqualTo(DropReason.REDIRECT_TARGET_UNAVAILABLE);
    assertThat(dropDetail(toUnbound)).endsWith("bound to no host interface");

    TestNetwork ingressDown =
        base().redirect("lr", ESP, "r1.off", true, false).localRedirectChain("r1", "lr").build();
    assertThat(dropReason(run(ingressDown, esp("192.0.2.1"))))
        .isEqualTo(DropReason.REDIRECT_TARGET_UNAVAILABLE);
  }

  @Test
  void theLocalRedirectChainSeesOnlyTrafficForTheRoutersOwnAddresses() {
    TestNetwork net =
        base()
            .redirect("lr", ANY_ESP, "r1.ns", false, false)
            .localRedirectChain("r1", "lr")
            .build();

    SimulationResult transit = run(net, esp("169.254.8.2"));

    assertThat(transit.on(net.port("r1.ns"))).isEmpty();
    assertThat(transit).isInstanceOf(SimulationResult.Hold.class);
    assertThat(transit.on(net.port("r1.alt")))
        .extracting(Emission::kind)
        .containsExactly(EmissionKind.ARP_REQUEST);
  }

  @Test
  void redirectsInFiltersWorkForTransitTrafficAndLeaveTheTtlAlone() {
    Condition dns = Condition.builder().nwProto(17).tpDst(PortRange.of(53)).build();
    TestNetwork net =
        base().redirect("in", dns, "r1.alt", false, false).inboundFilter("r1", "in").build();
    byte[] query =
        Packets.ethernet(PEER_MAC, UP_MAC)
            .ipv4("192.0.2.99", "169.254.9.2")
            .ttl(1)
            .udp(5353, 53, Bytes.fromHex("00"))
            .encode();

    assertThat(run(net, query).emissions())
        .containsExactly(Emission.of(net.port("r1.alt"), query, EmissionKind.REDIRECTED));
  }

  @Test
  void aBridgeFilterCanRedirectToARouterPort() {
    TestNetwork net =
        base()
            .redirect("bin", Condition.ANY, "r1.alt", false, false)
            .inboundFilter("b1", "bin")
            .build();
    byte[] frame =
        Packets.ethernet("02:00:00:00:02:01", "02:00:00:00:02:02")
            .raw(0x88b5, Bytes.fromHex("01"))
            .encode();

    assertThat(net.simulator(state).simulate(net.port("b1.out"), frame).emissions())
        .containsExactly(Emission.of(net.port("r1.alt"), frame, EmissionKind.REDIRECTED));
  }
}
