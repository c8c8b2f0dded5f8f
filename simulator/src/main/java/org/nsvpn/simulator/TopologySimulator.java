package org.nsvpn.simulator;

import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.simulator.device.Network;
import org.nsvpn.simulator.result.SimulationResult;
import org.nsvpn.simulator.state.NetworkState;

/** The {@link Simulator} over a compiled {@link Network}. */
final class TopologySimulator implements Simulator {
  private final Topology topology;
  private final NetworkState state;
  private final SimulatorConfig config;
  private final Network network;

  TopologySimulator(Topology topology, NetworkState state, SimulatorConfig config) {
    this.topology = Require.nonNull("topology", topology);
    this.state = Require.nonNull("state", state);
    this.config = Require.nonNull("config", config);
    this.network = Network.compile(topology, config.verifyL4Checksums(), config.maxHops());
  }

  /** {@code previous} on the snapshot that follows its own: recompiled from its network. */
  private TopologySimulator(TopologySimulator previous, Topology next) {
    this.topology = Require.nonNull("topology", next);
    this.state = previous.state;
    this.config = previous.config;
    this.network = previous.network.recompile(next, config.verifyL4Checksums(), config.maxHops());
  }

  @Override
  public SimulationResult simulate(PortId ingress, byte[] frame) {
    return network.simulate(state, ingress, frame, 0, frame.length);
  }

  @Override
  public SimulationResult simulate(PortId ingress, byte[] frame, int offset, int length) {
    return network.simulate(state, ingress, frame, offset, length);
  }

  @Override
  public Simulator withTopology(Topology next) {
    return new TopologySimulator(this, next);
  }

  @Override
  public Topology topology() {
    return topology;
  }

  @Override
  public NetworkState state() {
    return state;
  }

  @Override
  public SimulatorConfig config() {
    return config;
  }
}
