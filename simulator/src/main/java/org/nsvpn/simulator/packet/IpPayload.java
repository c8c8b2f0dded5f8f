package org.nsvpn.simulator.packet;

/**
 * What an IP packet carries. Fragments always carry a {@link RawIpPayload}: only the whole datagram
 * is a UDP datagram or TCP segment.
 */
public sealed interface IpPayload
    permits IcmpPacket, UdpDatagram, TcpSegment, EspPacket, RawIpPayload {

  /** Bytes this payload takes on the wire. */
  int encodedLength();

  /** The IP protocol number this payload type requires, or -1 for raw payloads (any). */
  int protocol();
}
