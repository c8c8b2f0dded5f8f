package org.nsvpn.chainrules.rules;

import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.MacAddress;

/**
 * What a {@link Condition} can see of a packet. The simulator implements this over a parsed frame;
 * it is an interface so that the hot path allocates nothing per evaluation.
 *
 * <p>Absent fields are {@code null} (objects) or {@code -1} (numbers): a frame without an IP header
 * has no {@code nwSrc}; a later fragment has no L4 ports.
 */
public interface PacketFields {

  /** The port the packet entered the device through, or null when unknown. */
  PortId inPort();

  /** The port the packet is about to leave through, or null when not yet decided. */
  PortId outPort();

  /** The EtherType after any 802.1Q tag, e.g. 0x0800 for IPv4. */
  int etherType();

  MacAddress ethSrc();

  MacAddress ethDst();

  /** IP source, or null for non-IP frames. */
  IpAddress nwSrc();

  /** IP destination, or null for non-IP frames. */
  IpAddress nwDst();

  /** IP protocol (IPv4) or upper-layer next header (IPv6), or -1 for non-IP frames. */
  int nwProto();

  /** L4 source port, or -1 when the packet carries none. */
  int tpSrc();

  /** L4 destination port, or -1 when the packet carries none. */
  int tpDst();

  FragmentType fragmentType();
}
