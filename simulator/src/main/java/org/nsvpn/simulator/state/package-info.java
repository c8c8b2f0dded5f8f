/**
 * The mutable side of a simulated network: routers' ARP caches and bridges' MAC tables, kept
 * outside the immutable topology snapshot so that a new snapshot keeps what was learned.
 *
 * <p>Everything here is safe for concurrent simulations (concurrent maps, immutable entries
 * replaced atomically). Time comes from an injected {@link org.nsvpn.simulator.state.Ticker}, never
 * from the wall clock inside the logic, so tests move time forward without sleeping. Expired
 * entries are ignored on lookup and removed by {@link
 * org.nsvpn.simulator.state.NetworkState#expire}.
 */
package org.nsvpn.simulator.state;
