/**
 * What a simulation returns, as values: the {@link org.nsvpn.simulator.result.SimulationResult}
 * (emit, consume, hold or drop), the {@link org.nsvpn.simulator.result.Emission}s (frames leaving
 * the virtual network on exterior ports, including the ARP and ICMP packets the network generated)
 * and the typed {@link org.nsvpn.simulator.result.DropReason}s that tests assert and the agent
 * counts.
 */
package org.nsvpn.simulator.result;
