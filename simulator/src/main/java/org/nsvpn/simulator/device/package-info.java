/**
 * The simulation engine: a {@link org.nsvpn.simulator.device.Network} compiles a topology snapshot
 * into per-port, per-router and per-bridge lookup structures once, then walks each frame through
 * ports, bridges and routers, applying chains, routes, ARP and redirects. Everything but {@code
 * Network} is package-private; callers use {@link org.nsvpn.simulator.Simulator}.
 *
 * <p>Device semantics, in brief (the class comments have the details):
 *
 * <ul>
 *   <li>Ports: a down port drops what enters or would leave it; an interior port hands frames to
 *       its peer's device; an exterior port emits them if bound to a host interface and drops them
 *       otherwise.
 *   <li>Bridges: inbound filter, MAC learning per VLAN, the MACs of linked router ports known
 *       statically, unicast to a known port, flooding otherwise, outbound filter per egress port.
 *   <li>Routers: accept frames for the port's MAC (and ARP broadcasts), answer ARP for the port's
 *       addresses, inbound filter, route lookup; local routes run the local-redirect chain and then
 *       the router's own answers (ICMP echo); normal routes check TTL, run the outbound filter,
 *       resolve the next hop through the ARP cache and rewrite MACs and TTL; reject and missing
 *       routes answer ICMP unreachable, blackhole routes drop. A route's egress port being down or
 *       unbound drops the packet: there is no fallback to a less specific route, which is what
 *       keeps VPN traffic from leaking in clear.
 *   <li>l2-transform redirects: the frame, unchanged, leaves by the target port (or, for ingress
 *       redirects, enters there); a fail-closed redirect to a missing, down or unbound port drops
 *       it, a fail-open one is passed over and the chain goes on.
 * </ul>
 */
package org.nsvpn.simulator.device;
