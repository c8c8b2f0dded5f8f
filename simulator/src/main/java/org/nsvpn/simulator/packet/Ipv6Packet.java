package org.nsvpn.simulator.packet;

import java.util.List;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.net.Ipv6Address;

/**
 * An IPv6 packet (RFC 8200): the fixed header, extension headers, and the upper-layer payload. The
 * payload length and every next-header byte are derived on encoding.
 *
 * <p>Canonical form as for {@link Ipv4Packet}: a fragment carries a {@link RawIpPayload}; UDP, TCP
 * and ESP are decoded as their records (ICMPv6 is kept raw). After a later fragment's header
 * nothing else is parsed, so it must be the last extension.
 *
 * @param protocol the upper-layer protocol (the last next-header value)
 */
public record Ipv6Packet(
    int trafficClass,
    int flowLabel,
    int hopLimit,
    int protocol,
    Ipv6Address source,
    Ipv6Address destination,
    List<Ipv6Extension> extensions,
    IpPayload payload)
    implements EthernetPayload {

  public Ipv6Packet {
    Require.inRange("ipv6 traffic class", trafficClass, 0, 255);
    Require.inRange("ipv6 flow label", flowLabel, 0, 0xfffff);
    Require.inRange("ipv6 hop limit", hopLimit, 0, 255);
    Require.inRange("ipv6 protocol", protocol, 0, 255);
    Require.nonNull("ipv6 source", source);
    Require.nonNull("ipv6 destination", destination);
    extensions = List.copyOf(Require.noNulls("ipv6 extensions", extensions));
    Require.nonNull("ipv6 payload", payload);
    if (extensions.size() > Frame.MAX_IPV6_EXTENSIONS) {
      throw new InvalidValueException(
          "ipv6 extensions", extensions.size(), "at most " + Frame.MAX_IPV6_EXTENSIONS);
    }
    boolean fragment = false;
    for (int i = 0; i < extensions.size(); i++) {
      Ipv6Extension e = extensions.get(i);
      fragment |= e.isFragment();
      if (e.isLaterFragment() && i != extensions.size() - 1) {
        throw new InvalidValueException(
            "ipv6 extensions", e, "nothing follows a later fragment's header");
      }
    }
    boolean later =
        !extensions.isEmpty() && extensions.get(extensions.size() - 1).isLaterFragment();
    if (!later && IpProtocol.isIpv6Extension(protocol)) {
      throw new InvalidValueException(
          "ipv6 protocol", protocol, "is an extension header type; list it in extensions");
    }
    Ipv4Packet.checkPayload("ipv6", protocol, fragment, payload, false);
    if (payload instanceof UdpDatagram udp && !udp.checksummed()) {
      throw new InvalidValueException(
          "udp checksummed", false, "IPv6 requires a UDP checksum (RFC 8200 section 8.1)");
    }
    Require.inRange("ipv6 payload length", payloadLength(extensions, payload), 0, 0xffff);
  }

  private static int payloadLength(List<Ipv6Extension> extensions, IpPayload payload) {
    int n = payload.encodedLength();
    for (Ipv6Extension e : extensions) {
      n += e.encodedLength();
    }
    return n;
  }

  /** A packet without extensions, traffic class and flow label zero. */
  public static Ipv6Packet of(
      Ipv6Address source, Ipv6Address destination, int hopLimit, IpPayload payload) {
    return new Ipv6Packet(
        0, 0, hopLimit, payload.protocol(), source, destination, List.of(), payload);
  }

  /** The payload-length field: extensions plus upper-layer payload. */
  public int payloadLength() {
    return payloadLength(extensions, payload);
  }

  @Override
  public int encodedLength() {
    return 40 + payloadLength();
  }
}
