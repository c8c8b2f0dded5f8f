package org.nsvpn.simulator.result;

/** Why the virtual network dropped a frame. Stable names: the agent exports them as counters. */
public enum DropReason {
  /** The ingress port is not in the topology snapshot. */
  UNKNOWN_PORT,
  /** The frame ends inside a header or before a length it announces. */
  TRUNCATED,
  /** A header field holds a value the protocol forbids. */
  MALFORMED,
  /** An IPv4 header, ICMP, UDP or TCP checksum does not match. */
  BAD_CHECKSUM,
  /** The port the frame arrived on is administratively down. */
  INGRESS_PORT_DOWN,
  /** The port the frame should leave by is administratively down. */
  EGRESS_PORT_DOWN,
  /** The frame should leave by an exterior port that is bound to no host interface. */
  EGRESS_PORT_UNBOUND,
  /** The router or bridge is administratively down. */
  DEVICE_DOWN,
  /** The frame crossed more devices than allowed (a loop in the virtual topology). */
  TOO_MANY_HOPS,
  /** A filter chain rule dropped it. */
  FILTER_DROP,
  /** A filter chain rule rejected it (a router also answers ICMP administratively prohibited). */
  FILTER_REJECT,
  /** A fail-closed l2-transform redirect's target port is missing, down or unbound. */
  REDIRECT_TARGET_UNAVAILABLE,
  /** A router port received a frame not addressed to its MAC (nor broadcast, for ARP). */
  NOT_ADDRESSED_TO_ROUTER,
  /** A router received a frame that is neither ARP, IPv4 nor IPv6. */
  UNSUPPORTED_ETHERTYPE,
  /** ARP a router does not answer or learn from (not for its port address, sender off-link). */
  ARP_NOT_HANDLED,
  /**
   * Neighbour discovery a router does not answer or learn from (not for its port address, sender
   * off-link, no link-layer address, malformed or forwarded).
   */
  NDP_NOT_HANDLED,
  /** A source or destination address a router must not forward (broadcast, multicast, zero). */
  NOT_ROUTABLE,
  /** No route matches (an ICMP network unreachable is sent back). */
  NO_ROUTE,
  /**
   * A router would have carried traffic that one of its IPsec site connections protects (local CIDR
   * to peer CIDR) somewhere other than into the connection's VPN namespace: fail-closed.
   */
  VPN_FAIL_CLOSED,
  /** A blackhole route matched. */
  BLACKHOLE_ROUTE,
  /** A reject route matched (an ICMP host unreachable is sent back). */
  REJECT_ROUTE,
  /** The TTL or hop limit ran out (an ICMP time exceeded is sent back for IPv4). */
  TTL_EXCEEDED,
  /** Addressed to a router, not redirected, and not something the router answers itself. */
  LOCAL_UNHANDLED,
  /** The next hop's MAC could not be resolved (queue full, no address to ask from, no NDP). */
  NEIGHBOUR_UNRESOLVED,
  /** A bridge found the destination on the port the frame came from. */
  SAME_PORT,
  /** A bridge had no other port to send the frame to. */
  NO_EGRESS
}
