package org.nsvpn.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nsvpn.simulator.testing.Seed002Network.GATEWAY;
import static org.nsvpn.simulator.testing.Seed002Network.GATEWAY_MAC;
import static org.nsvpn.simulator.testing.Seed002Network.NAMESPACE;
import static org.nsvpn.simulator.testing.Seed002Network.NAMESPACE_IP;
import static org.nsvpn.simulator.testing.Seed002Network.NAMESPACE_PORT_IP;
import static org.nsvpn.simulator.testing.Seed002Network.NAMESPACE_PORT_MAC;
import static org.nsvpn.simulator.testing.Seed002Network.PEER_HOST_IP;
import static org.nsvpn.simulator.testing.Seed002Network.PEER_PUBLIC_IP;
import static org.nsvpn.simulator.testing.Seed002Network.PUBLIC_IP;
import static org.nsvpn.simulator.testing.Seed002Network.ROUTER;
import static org.nsvpn.simulator.testing.Seed002Network.TENANT;
import static org.nsvpn.simulator.testing.Seed002Network.TENANT_MAC;
import static org.nsvpn.simulator.testing.Seed002Network.UPLINK;
import static org.nsvpn.simulator.testing.Seed002Network.UPLINK_MAC;
import static org.nsvpn.simulator.testing.Seed002Network.VM;
import static org.nsvpn.simulator.testing.Seed002Network.VM_IP;
import static org.nsvpn.simulator.testing.Seed002Network.VM_MAC;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.Ipv4Subnet;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.simulator.packet.Bytes;
import org.nsvpn.simulator.packet.EthernetFrame;
import org.nsvpn.simulator.packet.Frame;
import org.nsvpn.simulator.packet.FrameArbitraries;
import org.nsvpn.simulator.packet.Ipv4Builder;
import org.nsvpn.simulator.packet.Packets;
import org.nsvpn.simulator.result.Emission;
import org.nsvpn.simulator.result.SimulationResult;
import org.nsvpn.simulator.state.NetworkState;
import org.nsvpn.simulator.testing.Seed002Network;
import org.nsvpn.simulator.testing.TestNetwork;

/**
 * Properties of the simulator on the seed-002 network: no input makes it throw, every frame it
 * emits is a valid frame, and cleartext between the VPN's local and peer subnets never leaves by
 * the uplink, whether the namespace port is up, down or unbound.
 */
class SimulatorPropertyTest {
  private static final TestNetwork NET = Seed002Network.build();
  private static final List<String> PORTS = List.of(UPLINK, NAMESPACE, VM);
  private static final Ipv4Subnet LOCAL = Ipv4Subnet.parse("192.168.10.0/24");
  private static final Ipv4Subnet PEER = Ipv4Subnet.parse("192.168.20.0/24");

  /**
   * The three namespace-port states, each with every neighbour already resolved, and a simulator
   * that leaves L4 checksums unverified (as for offloaded interfaces).
   */
  private static final List<Simulator> SIMULATORS =
      List.of(
          primed(NET),
          primed(NET.portDown(NAMESPACE)),
          primed(NET.unbind(NAMESPACE)),
          Simulator.create(NET.topology(), primed(NET).state(), new SimulatorConfig(false, 16)));

  private static Simulator primed(TestNetwork net) {
    NetworkState state = NetworkState.create();
    var arp = state.arpCache(net.router(ROUTER));
    arp.putPermanent(net.port(NAMESPACE), NAMESPACE_IP, UPLINK_MAC);
    arp.putPermanent(net.port(UPLINK), GATEWAY, GATEWAY_MAC);
    arp.putPermanent(net.port(UPLINK), PEER_PUBLIC_IP, GATEWAY_MAC);
    arp.putPermanent(net.port(TENANT), VM_IP, VM_MAC);
    return net.simulator(state);
  }

  @Provide
  Arbitrary<PortId> ports() {
    return Arbitraries.of(PORTS).map(NET::port);
  }

  @Provide
  Arbitrary<Simulator> simulators() {
    return Arbitraries.of(SIMULATORS);
  }

  @Provide
  Arbitrary<EthernetFrame> frames() {
    return FrameArbitraries.frames();
  }

  /** Frames aimed at this network: its MACs and addresses, every protocol, low TTLs. */
  @Provide
  Arbitrary<EthernetFrame> aimed() {
    Arbitrary<MacAddress> macs =
        Arbitraries.oneOf(
            Arbitraries.of(
                UPLINK_MAC,
                NAMESPACE_PORT_MAC,
                TENANT_MAC,
                VM_MAC,
                GATEWAY_MAC,
                MacAddress.BROADCAST),
            FrameArbitraries.macs());
    Arbitrary<Ipv4Address> ips =
        Arbitraries.oneOf(
            Arbitraries.of(
                PUBLIC_IP,
                PEER_PUBLIC_IP,
                VM_IP,
                PEER_HOST_IP,
                NAMESPACE_IP,
                NAMESPACE_PORT_IP,
                GATEWAY,
                Ipv4Address.parse("192.168.10.77"),
                Ipv4Address.parse("192.168.20.77"),
                Ipv4Address.parse("255.255.255.255"),
                Ipv4Address.parse("224.0.0.5")),
            Arbitraries.integers().map(Ipv4Address::new));
    Arbitrary<Integer> ttl = Arbitraries.of(0, 1, 2, 64, 255);
    Arbitrary<Integer> kind = Arbitraries.integers().between(0, 7);
    Arbitrary<Integer> port = Arbitraries.of(22, 500, 501, 4500, 40000);
    return Combinators.combine(macs, macs, ips, ips, ttl, kind, port)
        .as(
            (src, dst, from, to, t, k, p) -> {
              Ipv4Builder ip = Packets.ethernet(src, dst).ipv4(from, to).ttl(t);
              Bytes data = Bytes.fromHex("00112233");
              return switch (k) {
                case 0 -> ip.esp(1, 1, data);
                case 1 -> ip.udp(p, p, data);
                case 2 -> ip.tcp(40000, p, 2);
                case 3 -> ip.icmpEchoRequest(1, 1, data);
                case 4 -> ip.fragment(10, false).raw(17, data);
                case 5 -> Packets.ethernet(src, MacAddress.BROADCAST).arpRequest(from, to);
                case 6 -> Packets.ethernet(src, dst).arpReply(from, dst, to);
                default -> ip.raw(47, data);
              };
            });
  }

  @Property
  void randomBytesNeverMakeTheSimulatorThrow(
      @ForAll("simulators") Simulator sim,
      @ForAll("ports") PortId port,
      @ForAll @Size(max = 120) byte[] bytes) {
    SimulationResult result = sim.simulate(port, bytes);
    assertThat(result).isNotNull();
    assertValidEmissions(sim, result);
  }

  @Property
  void validFramesOfAnyKindNeverMakeTheSimulatorThrow(
      @ForAll("simulators") Simulator sim,
      @ForAll("ports") PortId port,
      @ForAll("frames") EthernetFrame frame) {
    assertValidEmissions(sim, sim.simulate(port, frame.encode()));
  }

  @Property(tries = 3000)
  void cleartextBetweenTheVpnSubnetsNeverLeavesByTheUplink(
      @ForAll("simulators") Simulator sim,
      @ForAll("ports") PortId port,
      @ForAll("aimed") EthernetFrame frame) {
    SimulationResult result = sim.simulate(port, frame.encode());
    assertValidEmissions(sim, result);
    for (Emission e : result.on(NET.port(UPLINK))) {
      Frame out = new Frame();
      out.parse(e.frame());
      if (out.ipVersion() == 4) {
        assertThat(LOCAL.contains(out.ipv4Src()) && PEER.contains(out.ipv4Dst()))
            .as("cleartext %s -> %s left by the uplink: %s", out.nwSrc(), out.nwDst(), result)
            .isFalse();
      }
    }
  }

  @Property
  void corruptedFramesNeverMakeTheSimulatorThrow(
      @ForAll("simulators") Simulator sim,
      @ForAll("ports") PortId port,
      @ForAll("aimed") EthernetFrame frame,
      @ForAll int at,
      @ForAll byte value,
      @ForAll boolean cut) {
    byte[] wire = frame.encode();
    int index = Math.floorMod(at, wire.length);
    wire[index] = value;
    SimulationResult result = cut ? sim.simulate(port, wire, 0, index) : sim.simulate(port, wire);
    assertValidEmissions(sim, result);
  }

  /**
   * Everything the network sends is a well-formed frame with correct checksums (L4 checksums only
   * when the simulator verifies them: otherwise it forwards what it was given).
   */
  private static void assertValidEmissions(Simulator sim, SimulationResult result) {
    for (Emission e : result.emissions()) {
      Frame f = new Frame();
      byte[] bytes = e.frame();
      assertThat(f.parse(bytes, 0, bytes.length, sim.config().verifyL4Checksums()))
          .as("emitted %s: %s", e, f.error())
          .isTrue();
    }
    if (result instanceof SimulationResult.Drop drop) {
      assertThat(drop.detail()).isNotBlank();
    }
  }
}
