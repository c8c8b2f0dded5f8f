package org.nsvpn.simulator.packet;

import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.net.Ipv4Address;

/**
 * An IPv4 packet (RFC 791). Total length, IHL and the header checksum are derived on encoding.
 *
 * <p>Canonical form, so that decoding and encoding are inverse: a fragment (more-fragments set or
 * offset above zero) carries a {@link RawIpPayload}; an unfragmented ICMP, UDP, TCP or ESP packet
 * carries the matching record, and {@code protocol} agrees with it.
 *
 * @param tos the second header byte (DSCP and ECN)
 * @param flags the three flag bits: {@link #FLAG_RESERVED}, {@link #FLAG_DONT_FRAGMENT}, {@link
 *     #FLAG_MORE_FRAGMENTS}
 * @param fragmentOffset in units of 8 bytes, 0..8191
 * @param options option bytes, a multiple of 4 and at most 40
 */
public record Ipv4Packet(
    int tos,
    int identification,
    int flags,
    int fragmentOffset,
    int ttl,
    int protocol,
    Ipv4Address source,
    Ipv4Address destination,
    Bytes options,
    IpPayload payload)
    implements EthernetPayload {

  public static final int FLAG_RESERVED = 4;
  public static final int FLAG_DONT_FRAGMENT = 2;
  public static final int FLAG_MORE_FRAGMENTS = 1;

  public Ipv4Packet {
    Require.inRange("ipv4 tos", tos, 0, 255);
    Require.inRange("ipv4 identification", identification, 0, 0xffff);
    Require.inRange("ipv4 flags", flags, 0, 7);
    Require.inRange("ipv4 fragment offset", fragmentOffset, 0, 0x1fff);
    Require.inRange("ipv4 ttl", ttl, 0, 255);
    Require.inRange("ipv4 protocol", protocol, 0, 255);
    Require.nonNull("ipv4 source", source);
    Require.nonNull("ipv4 destination", destination);
    Require.nonNull("ipv4 options", options);
    Require.nonNull("ipv4 payload", payload);
    if (options.length() % 4 != 0 || options.length() > 40) {
      throw new InvalidValueException(
          "ipv4 options", options.length() + " bytes", "must be a multiple of 4, at most 40");
    }
    boolean fragment = (flags & FLAG_MORE_FRAGMENTS) != 0 || fragmentOffset > 0;
    checkPayload("ipv4", protocol, fragment, payload, true);
    Require.inRange(
        "ipv4 total length", 20 + options.length() + payload.encodedLength(), 0, 0xffff);
  }

  /** Shared with IPv6: the protocol/payload agreement of the canonical form. */
  static void checkPayload(
      String family, int protocol, boolean fragment, IpPayload payload, boolean icmpAllowed) {
    if (fragment) {
      if (!(payload instanceof RawIpPayload)) {
        throw new InvalidValueException(
            family + " payload",
            payload.getClass().getSimpleName(),
            "a fragment carries raw bytes (RawIpPayload)");
      }
      return;
    }
    boolean interpreted =
        protocol == IpProtocol.UDP
            || protocol == IpProtocol.TCP
            || protocol == IpProtocol.ESP
            || (icmpAllowed && protocol == IpProtocol.ICMP);
    if (payload instanceof RawIpPayload) {
      if (interpreted) {
        throw new InvalidValueException(
            family + " payload",
            "RawIpPayload",
            "protocol " + protocol + " is decoded as its own record; use it");
      }
    } else if (payload.protocol() != protocol || !interpreted) {
      throw new InvalidValueException(
          family + " protocol",
          protocol,
          "does not match the payload " + payload.getClass().getSimpleName());
    }
  }

  /**
   * A packet with TOS 0, identification 0, don't-fragment set, no options; the protocol is the
   * payload's.
   */
  public static Ipv4Packet of(
      Ipv4Address source, Ipv4Address destination, int ttl, IpPayload payload) {
    return new Ipv4Packet(
        0,
        0,
        FLAG_DONT_FRAGMENT,
        0,
        ttl,
        payload.protocol(),
        source,
        destination,
        Bytes.EMPTY,
        payload);
  }

  public boolean dontFragment() {
    return (flags & FLAG_DONT_FRAGMENT) != 0;
  }

  public boolean moreFragments() {
    return (flags & FLAG_MORE_FRAGMENTS) != 0;
  }

  /** True for any fragment, first or later. */
  public boolean isFragment() {
    return moreFragments() || fragmentOffset > 0;
  }

  public int headerLength() {
    return 20 + options.length();
  }

  @Override
  public int encodedLength() {
    return headerLength() + payload.encodedLength();
  }
}
