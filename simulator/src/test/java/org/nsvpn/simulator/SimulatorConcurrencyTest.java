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
import static org.nsvpn.simulator.testing.Seed002Network.TENANT_MAC;
import static org.nsvpn.simulator.testing.Seed002Network.UPLINK;
import static org.nsvpn.simulator.testing.Seed002Network.UPLINK_MAC;
import static org.nsvpn.simulator.testing.Seed002Network.VM;
import static org.nsvpn.simulator.testing.Seed002Network.VM_IP;
import static org.nsvpn.simulator.testing.Seed002Network.VM_MAC;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.simulator.packet.Bytes;
import org.nsvpn.simulator.packet.Packets;
import org.nsvpn.simulator.result.Emission;
import org.nsvpn.simulator.result.EmissionKind;
import org.nsvpn.simulator.result.SimulationResult;
import org.nsvpn.simulator.state.NetworkState;
import org.nsvpn.simulator.testing.Seed002Network;
import org.nsvpn.simulator.testing.TestNetwork;

/**
 * One simulator and one state shared by four threads, as the agent's datapath would: every thread
 * sees the same results it would see alone, while the threads race on ARP resolution.
 */
class SimulatorConcurrencyTest {
  private final TestNetwork net = Seed002Network.build();
  private final NetworkState state = NetworkState.create();
  private final Simulator sim = net.simulator(state);

  @Test
  void concurrentSimulationsAgreeWithSequentialOnes() throws Exception {
    PortId uplink = net.port(UPLINK);
    PortId namespace = net.port(NAMESPACE);
    PortId vm = net.port(VM);
    byte[] esp =
        Packets.ethernet(GATEWAY_MAC, UPLINK_MAC)
            .ipv4(PEER_PUBLIC_IP, PUBLIC_IP)
            .esp(9, 9, Bytes.fromHex("00"))
            .encode();
    byte[] cleartext =
        Packets.ethernet(VM_MAC, TENANT_MAC)
            .ipv4(VM_IP, PEER_HOST_IP)
            .udp(1, 2, Bytes.fromHex("00"))
            .encode();
    byte[] cleartextOut =
        Packets.ethernet(NAMESPACE_PORT_MAC, UPLINK_MAC)
            .ipv4(VM_IP, PEER_HOST_IP)
            .ttl(63)
            .udp(1, 2, Bytes.fromHex("00"))
            .encode();
    byte[] nsAnswer =
        Packets.ethernet(UPLINK_MAC, NAMESPACE_PORT_MAC)
            .arpReply(NAMESPACE_IP, NAMESPACE_PORT_MAC, NAMESPACE_PORT_IP)
            .encode();
    byte[] gatewayAnswer =
        Packets.ethernet(GATEWAY_MAC, UPLINK_MAC).arpReply(GATEWAY, UPLINK_MAC, PUBLIC_IP).encode();

    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<int[]>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        futures.add(
            pool.submit(
                () -> {
                  int forwarded = 0;
                  int waited = 0;
                  for (int i = 0; i < 20_000; i++) {
                    SimulationResult r = sim.simulate(uplink, esp);
                    assertThat(r.emissions())
                        .containsExactly(Emission.of(namespace, esp, EmissionKind.REDIRECTED));
                    SimulationResult c = sim.simulate(vm, cleartext);
                    if (c instanceof SimulationResult.Emit) {
                      assertThat(c.emissions())
                          .containsExactly(
                              Emission.of(namespace, cleartextOut, EmissionKind.FORWARDED));
                      forwarded++;
                    } else {
                      waited++;
                      // Whoever waits answers ARP, as the namespace would.
                      SimulationResult answer = sim.simulate(namespace, nsAnswer);
                      assertThat(answer).isInstanceOf(SimulationResult.Consume.class);
                      assertThat(answer.emissions())
                          .allMatch(e -> e.port().equals(namespace) && e.frameEquals(cleartextOut));
                    }
                    sim.simulate(uplink, gatewayAnswer);
                  }
                  return new int[] {forwarded, waited};
                }));
      }
      int forwarded = 0;
      for (Future<int[]> f : futures) {
        forwarded += f.get(120, TimeUnit.SECONDS)[0];
      }
      assertThat(forwarded).isGreaterThan(0);
      assertThat(state.arpCache(net.router(Seed002Network.ROUTER)).lookup(namespace, NAMESPACE_IP))
          .contains(UPLINK_MAC);
    } finally {
      pool.shutdownNow();
    }
  }
}
