package org.nsvpn.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.nsvpn.simulator.testing.Results.dropDetail;
import static org.nsvpn.simulator.testing.Results.dropReason;
import static org.nsvpn.simulator.testing.Seed002Network.GATEWAY_MAC;
import static org.nsvpn.simulator.testing.Seed002Network.NAMESPACE;
import static org.nsvpn.simulator.testing.Seed002Network.PEER_PUBLIC_IP;
import static org.nsvpn.simulator.testing.Seed002Network.PUBLIC_IP;
import static org.nsvpn.simulator.testing.Seed002Network.UPLINK;
import static org.nsvpn.simulator.testing.Seed002Network.UPLINK_MAC;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.simulator.packet.Bytes;
import org.nsvpn.simulator.packet.Packets;
import org.nsvpn.simulator.result.DropReason;
import org.nsvpn.simulator.result.Emission;
import org.nsvpn.simulator.result.EmissionKind;
import org.nsvpn.simulator.result.SimulationResult;
import org.nsvpn.simulator.state.NetworkState;
import org.nsvpn.simulator.testing.Seed002Network;
import org.nsvpn.simulator.testing.TestNetwork;

class SimulatorApiTest {
  private final TestNetwork net = Seed002Network.build();
  private final NetworkState state = NetworkState.create();
  private final Simulator sim = net.simulator(state);
  private final byte[] esp =
      Packets.ethernet(GATEWAY_MAC, UPLINK_MAC)
          .ipv4(PEER_PUBLIC_IP, PUBLIC_IP)
          .esp(1, 1, Bytes.fromHex("0011"))
          .encode();

  @Test
  void anUnknownIngressPortIsADrop() {
    PortId stranger = PortId.random();

    SimulationResult result = sim.simulate(stranger, esp);

    assertThat(dropReason(result)).isEqualTo(DropReason.UNKNOWN_PORT);
    assertThat(dropDetail(result)).contains(stranger.toString());
  }

  @Test
  void parseErrorsBecomeDropsNamingTheHeader() {
    byte[] bad = esp.clone();
    bad[14 + 8] ^= 1;

    SimulationResult checksum = sim.simulate(net.port(UPLINK), bad);
    SimulationResult truncated = sim.simulate(net.port(UPLINK), esp, 0, 20);
    SimulationResult empty = sim.simulate(net.port(UPLINK), new byte[0]);

    assertThat(dropReason(checksum)).isEqualTo(DropReason.BAD_CHECKSUM);
    assertThat(dropDetail(checksum)).startsWith("BAD_IPV4_CHECKSUM (IPv4 header checksum): stored");
    assertThat(dropReason(truncated)).isEqualTo(DropReason.TRUNCATED);
    assertThat(dropReason(empty)).isEqualTo(DropReason.TRUNCATED);
  }

  @Test
  void aFrameInsideALargerBufferIsSimulatedFromItsOffset() {
    byte[] buffer = new byte[esp.length + 100];
    System.arraycopy(esp, 0, buffer, 37, esp.length);

    SimulationResult result = sim.simulate(net.port(UPLINK), buffer, 37, esp.length);

    assertThat(result.emissions())
        .containsExactly(Emission.of(net.port(NAMESPACE), esp, EmissionKind.REDIRECTED));
    assertThatThrownBy(() -> sim.simulate(net.port(UPLINK), buffer, 101, esp.length))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void theCallersArrayIsNeverWrittenNorSharedWithTheResult() {
    byte[] frame = esp.clone();
    SimulationResult result = sim.simulate(net.port(UPLINK), frame);
    frame[0] ^= 0xff;

    assertThat(result.emissions().get(0).frameEquals(esp)).isTrue();
    byte[] copy = result.emissions().get(0).frame();
    copy[1] ^= 0xff;
    assertThat(result.emissions().get(0).frameEquals(esp)).isTrue();
    ByteBuffer buffer = ByteBuffer.allocate(esp.length);
    result.emissions().get(0).writeTo(buffer);
    assertThat(buffer.array()).isEqualTo(esp);
  }

  @Test
  void aNewSnapshotKeepsTheLearnedState() {
    Simulator first = net.simulator(state);
    first.simulate(
        net.port(UPLINK),
        Packets.ethernet(GATEWAY_MAC, UPLINK_MAC)
            .arpReply(Seed002Network.GATEWAY, UPLINK_MAC, PUBLIC_IP)
            .encode());
    Simulator second = first.withTopology(net.portDown(NAMESPACE).topology());
    assertThat(
            second
                .state()
                .arpCache(net.router(Seed002Network.ROUTER))
                .lookup(net.port(UPLINK), Seed002Network.GATEWAY))
        .contains(GATEWAY_MAC);

    assertThat(second.state()).isSameAs(state);
    assertThat(second.config()).isEqualTo(first.config());
    assertThat(dropReason(second.simulate(net.port(UPLINK), esp)))
        .isEqualTo(DropReason.REDIRECT_TARGET_UNAVAILABLE);
    assertThat(first.simulate(net.port(UPLINK), esp)).isInstanceOf(SimulationResult.Emit.class);
  }

  @Test
  void resultsSelectEmissionsByPortAndKind() {
    Emission a = Emission.of(net.port(UPLINK), esp, EmissionKind.FORWARDED);
    Emission b = Emission.of(net.port(NAMESPACE), esp, EmissionKind.ARP_REQUEST);
    SimulationResult result = new SimulationResult.Emit(List.of(a, b));

    assertThat(result.on(net.port(UPLINK))).containsExactly(a);
    assertThat(result.generated()).containsExactly(b);
    assertThat(a).isEqualTo(Emission.of(net.port(UPLINK), esp.clone(), EmissionKind.FORWARDED));
    assertThat(a).isNotEqualTo(b);
    assertThat(a.toString()).startsWith("FORWARDED on " + net.port(UPLINK));
    assertThatThrownBy(() -> new SimulationResult.Emit(List.of()))
        .isInstanceOf(InvalidValueException.class);
  }

  @Test
  void optionsAreValidated() {
    assertThatThrownBy(() -> new SimulatorConfig(true, 0)).hasMessageStartingWith("max hops:");
    assertThatThrownBy(
            () ->
                new org.nsvpn.simulator.state.LearningConfig(
                    java.time.Duration.ZERO,
                    java.time.Duration.ofSeconds(1),
                    java.time.Duration.ofSeconds(1),
                    java.time.Duration.ofSeconds(1),
                    1))
        .hasMessageStartingWith("mac aging:");
  }

  @Test
  void l4ChecksumVerificationCanBeTurnedOffForOffloadedFrames() {
    byte[] udp =
        Packets.ethernet(GATEWAY_MAC, UPLINK_MAC)
            .ipv4(PEER_PUBLIC_IP, PUBLIC_IP)
            .udp(500, 500, Bytes.fromHex("0011"))
            .encode();
    udp[14 + 20 + 6] ^= 0x10;
    Simulator lenient = Simulator.create(net.topology(), state, new SimulatorConfig(false, 16));

    assertThat(dropReason(sim.simulate(net.port(UPLINK), udp))).isEqualTo(DropReason.BAD_CHECKSUM);
    assertThat(lenient.simulate(net.port(UPLINK), udp).on(net.port(NAMESPACE))).hasSize(1);
  }

  @Test
  void aFrameAcceptedWithoutL4VerificationIsReleasedFromTheArpQueueUnchecked() {
    // A UDP checksum left to offload, held while the router resolves the namespace, released by
    // the namespace's ARP reply: it must come out, not trip over its checksum a second time.
    Simulator lenient = Simulator.create(net.topology(), state, new SimulatorConfig(false, 16));
    byte[] cleartext =
        Packets.ethernet(Seed002Network.VM_MAC, Seed002Network.TENANT_MAC)
            .ipv4(Seed002Network.VM_IP, Seed002Network.PEER_HOST_IP)
            .udp(1, 2, Bytes.fromHex("0011"))
            .encode();
    cleartext[14 + 20 + 6] ^= 0x10;

    assertThat(lenient.simulate(net.port(Seed002Network.VM), cleartext))
        .isInstanceOf(SimulationResult.Hold.class);
    SimulationResult released =
        lenient.simulate(
            net.port(NAMESPACE),
            Packets.ethernet(UPLINK_MAC, Seed002Network.NAMESPACE_PORT_MAC)
                .arpReply(
                    Seed002Network.NAMESPACE_IP,
                    Seed002Network.NAMESPACE_PORT_MAC,
                    Seed002Network.NAMESPACE_PORT_IP)
                .encode());

    assertThat(released.emissions())
        .extracting(Emission::kind)
        .containsExactly(EmissionKind.RELEASED);
  }
}
