package org.nsvpn.simulator;

import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.simulator.result.SimulationResult;
import org.nsvpn.simulator.state.NetworkState;

/**
 * Simulates the virtual network of one topology snapshot. Immutable and thread-safe: concurrent
 * simulations share the snapshot and the {@link NetworkState}, nothing else.
 */
public interface Simulator {

  /** A simulator of {@code topology} with the default options. */
  static Simulator create(Topology topology, NetworkState state) {
    return create(topology, state, SimulatorConfig.DEFAULT);
  }

  /** Compiles {@code topology} once (routes, chains, port links) and returns its simulator. */
  static Simulator create(Topology topology, NetworkState state, SimulatorConfig config) {
    return new TopologySimulator(topology, state, config);
  }

  /**
   * Injects {@code frame} (Ethernet, without FCS) at {@code ingress} and returns what the network
   * does with it. Never throws because of the frame's content: malformed, truncated or
   * badly-checksummed frames come back as {@link SimulationResult.Drop}. The array is read, never
   * written or kept.
   */
  SimulationResult simulate(PortId ingress, byte[] frame);

  /** As {@link #simulate(PortId, byte[])}, for {@code length} bytes from {@code offset}. */
  SimulationResult simulate(PortId ingress, byte[] frame, int offset, int length);

  /** A simulator of {@code next} sharing this one's state and options. */
  Simulator withTopology(Topology next);

  Topology topology();

  NetworkState state();

  SimulatorConfig config();
}
