package org.nsvpn.simulator.packet;

/** What an Ethernet frame carries. */
public sealed interface EthernetPayload permits ArpPacket, Ipv4Packet, Ipv6Packet, RawPayload {

  /** Bytes this payload takes on the wire. */
  int encodedLength();
}
