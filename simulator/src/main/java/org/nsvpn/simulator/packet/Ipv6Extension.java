package org.nsvpn.simulator.packet;

import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;

/**
 * An IPv6 extension header the parser skips, kept as bytes. The next-header byte is not stored: it
 * is derived from what follows when encoding.
 *
 * @param type the header type (the previous header's next-header value): hop-by-hop, routing,
 *     fragment, destination options, AH, mobility, HIP or shim6
 * @param body the header without its first (next-header) byte; its length byte must announce
 *     exactly this size
 */
public record Ipv6Extension(int type, Bytes body) {
  public Ipv6Extension {
    if (!IpProtocol.isIpv6Extension(type)) {
      throw new InvalidValueException("ipv6 extension type", type, "is not an extension header");
    }
    Require.nonNull("ipv6 extension body", body);
    if (body.length() < 7 || Frame.ipv6ExtensionLength(type, body.get(0)) != body.length() + 1) {
      throw new InvalidValueException(
          "ipv6 extension body",
          body.length() + " bytes",
          "must be the header minus its first byte, as long as its length field says");
    }
  }

  /** A fragment header (RFC 8200 section 4.5). */
  public static Ipv6Extension fragment(int offset, boolean more, long identification) {
    Require.inRange("fragment offset", offset, 0, 0x1fff);
    Require.inRange("fragment identification", identification, 0, 0xffff_ffffL);
    int offsetFlags = offset << 3 | (more ? 1 : 0);
    return new Ipv6Extension(
        IpProtocol.IPV6_FRAGMENT,
        Bytes.of(
            (byte) 0,
            (byte) (offsetFlags >>> 8),
            (byte) offsetFlags,
            (byte) (identification >>> 24),
            (byte) (identification >>> 16),
            (byte) (identification >>> 8),
            (byte) identification));
  }

  /** True for a fragment header with offset above zero (the payload is not an L4 header). */
  public boolean isLaterFragment() {
    return type == IpProtocol.IPV6_FRAGMENT && (body.get(1) << 8 | body.get(2)) >>> 3 != 0;
  }

  /** True for a fragment header that makes the packet a fragment (offset > 0 or M set). */
  public boolean isFragment() {
    return type == IpProtocol.IPV6_FRAGMENT && (body.get(1) << 8 | body.get(2)) != 0;
  }

  public int encodedLength() {
    return body.length() + 1;
  }
}
