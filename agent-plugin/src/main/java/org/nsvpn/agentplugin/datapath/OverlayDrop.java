package org.nsvpn.agentplugin.datapath;

/** Why a packet received on the underlay was not emitted. Nothing is emitted for any of them. */
public enum OverlayDrop {
  /** Shorter than the VXLAN header. */
  TRUNCATED,
  /** The header lacks the I flag (RFC 7348: the VNI is then not valid). */
  NOT_VXLAN,
  /** The source address is not the tunnel address of a host in the topology. */
  UNKNOWN_SENDER,
  /** No port has this key. */
  UNKNOWN_KEY,
  /** The key's port is not bound to this host (it moved, or the sender's view is stale). */
  NOT_BOUND_HERE,
  /** The inner frame is shorter than an Ethernet header. */
  BAD_INNER_FRAME,
  /** The port is bound here but its interface is not open (yet). */
  INTERFACE_NOT_OPEN,
  /** The datapath fell behind: its queue of received frames was full. */
  QUEUE_FULL
}
