package org.nsvpn.simulator.packet;

import org.nsvpn.chainrules.Require;

/**
 * A UDP datagram (RFC 768). The checksum is computed on encoding; {@code checksummed = false} sends
 * zero ("no checksum"), which IPv4 allows and IPv6 does not.
 */
public record UdpDatagram(int sourcePort, int destinationPort, Bytes payload, boolean checksummed)
    implements IpPayload {

  public UdpDatagram {
    Require.inRange("udp source port", sourcePort, 0, 0xffff);
    Require.inRange("udp destination port", destinationPort, 0, 0xffff);
    Require.nonNull("udp payload", payload);
    Require.inRange("udp length", 8 + payload.length(), 8, 0xffff);
  }

  /** A checksummed datagram. */
  public static UdpDatagram of(int sourcePort, int destinationPort, Bytes payload) {
    return new UdpDatagram(sourcePort, destinationPort, payload, true);
  }

  @Override
  public int encodedLength() {
    return 8 + payload.length();
  }

  @Override
  public int protocol() {
    return IpProtocol.UDP;
  }
}
