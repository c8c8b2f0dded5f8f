/**
 * Simulation of a virtual network on real frames. {@link org.nsvpn.simulator.Simulator#simulate}
 * injects a frame at a port of a chain-rules {@link org.nsvpn.chainrules.model.Topology} snapshot
 * and returns, as a value, what the network does with it: frames emitted on exterior ports,
 * generated ARP and ICMP, or a typed drop. Learning state (ARP caches, MAC tables) lives in an
 * explicit {@link org.nsvpn.simulator.state.NetworkState} shared across snapshots.
 *
 * <p>Two users: simulator-driven tests, which prove redirect behaviour without a kernel, and the
 * agent's userspace datapath, which runs every real frame of a bound interface through the same
 * code. Hence: no I/O, no threads, safe for concurrent use, and one parse per frame.
 */
package org.nsvpn.simulator;
