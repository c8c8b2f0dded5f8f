package org.nsvpn.simulator.result;

/** Why a frame leaves the virtual network. */
public enum EmissionKind {
  /** The injected frame, forwarded by bridges and routers (a router rewrites MACs and TTL). */
  FORWARDED(false),
  /** The injected frame, unchanged at L2, sent by an l2-transform redirect. */
  REDIRECTED(false),
  /** A frame that waited for ARP or neighbour resolution, sent now that the answer arrived. */
  RELEASED(false),
  /** An ARP request a router sent to resolve a next hop. */
  ARP_REQUEST(true),
  /** A router's answer to an ARP request for one of its addresses. */
  ARP_REPLY(true),
  /** An IPv6 neighbour solicitation a router sent to resolve a next hop. */
  NEIGHBOUR_SOLICITATION(true),
  /** A router's neighbour advertisement answering a solicitation for one of its addresses. */
  NEIGHBOUR_ADVERTISEMENT(true),
  /** A router's ICMP echo reply. */
  ICMP_REPLY(true),
  /** A router's ICMP error: destination unreachable or time exceeded. */
  ICMP_ERROR(true);

  private final boolean generated;

  EmissionKind(boolean generated) {
    this.generated = generated;
  }

  /** True for packets the network made itself, as opposed to frames it carried. */
  public boolean generated() {
    return generated;
  }
}
