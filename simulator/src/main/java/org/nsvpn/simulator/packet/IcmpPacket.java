package org.nsvpn.simulator.packet;

import org.nsvpn.chainrules.Require;

/**
 * An ICMP (v4) message (RFC 792): type, code, the four "rest of header" bytes and the body. The
 * checksum is computed on encoding.
 *
 * @param restOfHeader bytes 4..7 as an unsigned 32-bit value: identifier and sequence for echo,
 *     zero (or next-hop MTU) for errors
 */
public record IcmpPacket(int type, int code, long restOfHeader, Bytes body) implements IpPayload {

  public static final int ECHO_REPLY = 0;
  public static final int DESTINATION_UNREACHABLE = 3;
  public static final int ECHO_REQUEST = 8;
  public static final int TIME_EXCEEDED = 11;

  /** Destination-unreachable codes used by routers. */
  public static final int NET_UNREACHABLE = 0;

  public static final int HOST_UNREACHABLE = 1;
  public static final int PORT_UNREACHABLE = 3;
  public static final int ADMINISTRATIVELY_PROHIBITED = 13;

  /** Time-exceeded code: TTL reached zero in transit. */
  public static final int TTL_EXCEEDED_IN_TRANSIT = 0;

  public IcmpPacket {
    Require.inRange("icmp type", type, 0, 255);
    Require.inRange("icmp code", code, 0, 255);
    Require.inRange("icmp rest of header", restOfHeader, 0, 0xffff_ffffL);
    Require.nonNull("icmp body", body);
  }

  public static IcmpPacket echoRequest(int identifier, int sequence, Bytes data) {
    return new IcmpPacket(ECHO_REQUEST, 0, echoRest(identifier, sequence), data);
  }

  public static IcmpPacket echoReply(int identifier, int sequence, Bytes data) {
    return new IcmpPacket(ECHO_REPLY, 0, echoRest(identifier, sequence), data);
  }

  /** An unreachable error quoting (the start of) the offending IP packet. */
  public static IcmpPacket destinationUnreachable(int code, Bytes quotedPacket) {
    return new IcmpPacket(DESTINATION_UNREACHABLE, code, 0, quotedPacket);
  }

  /** A time-exceeded error quoting (the start of) the offending IP packet. */
  public static IcmpPacket timeExceeded(int code, Bytes quotedPacket) {
    return new IcmpPacket(TIME_EXCEEDED, code, 0, quotedPacket);
  }

  private static long echoRest(int identifier, int sequence) {
    Require.inRange("icmp identifier", identifier, 0, 0xffff);
    Require.inRange("icmp sequence", sequence, 0, 0xffff);
    return (long) identifier << 16 | sequence;
  }

  /** Echo identifier (high half of the rest of header). */
  public int identifier() {
    return (int) (restOfHeader >>> 16);
  }

  /** Echo sequence number (low half of the rest of header). */
  public int sequence() {
    return (int) (restOfHeader & 0xffff);
  }

  @Override
  public int encodedLength() {
    return 8 + body.length();
  }

  @Override
  public int protocol() {
    return IpProtocol.ICMP;
  }
}
