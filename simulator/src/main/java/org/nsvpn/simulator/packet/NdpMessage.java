package org.nsvpn.simulator.packet;

import java.util.Optional;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.net.Ipv6Address;
import org.nsvpn.chainrules.net.MacAddress;

/**
 * An ICMPv6 neighbour solicitation or advertisement (RFC 4861 sections 4.3 and 4.4), the part of
 * neighbour discovery a router port answers, as ARP's request and reply are for IPv4. Only the
 * link-layer address option is read and written (source for a solicitation, target for an
 * advertisement); other options are skipped.
 *
 * @param type {@link #SOLICITATION} or {@link #ADVERTISEMENT}
 * @param flags an advertisement's R, S and O bits ({@link #ROUTER}, {@link #SOLICITED}, {@link
 *     #OVERRIDE}); zero for a solicitation
 * @param target the address being resolved (solicitation) or advertised
 * @param linkLayer the sender's (solicitation) or target's (advertisement) link-layer address
 */
public record NdpMessage(int type, int flags, Ipv6Address target, Optional<MacAddress> linkLayer) {
  public static final int PROTOCOL = 58;
  public static final int SOLICITATION = 135;
  public static final int ADVERTISEMENT = 136;
  public static final int ROUTER = 0x80000000;
  public static final int SOLICITED = 0x40000000;
  public static final int OVERRIDE = 0x20000000;

  /** Neighbour discovery messages carry hop limit 255, proof that they were not forwarded. */
  public static final int HOP_LIMIT = 255;

  private static final int SOURCE_LINK_LAYER = 1;
  private static final int TARGET_LINK_LAYER = 2;
  private static final int HEADER = 24;

  public NdpMessage {
    if (type != SOLICITATION && type != ADVERTISEMENT) {
      throw new IllegalArgumentException("not a neighbour solicitation or advertisement: " + type);
    }
    Require.nonNull("target", target);
    Require.nonNull("link-layer address", linkLayer);
  }

  /**
   * The message in an ICMPv6 body from {@code source} to {@code destination}, or empty when it is
   * no neighbour solicitation or advertisement, is truncated, has a bad checksum, a non-zero code,
   * or a malformed option (RFC 4861 section 7.1.1: such messages are silently discarded).
   */
  public static Optional<NdpMessage> decode(
      Ipv6Address source, Ipv6Address destination, byte[] icmp) {
    if (icmp.length < HEADER) {
      return Optional.empty();
    }
    int type = icmp[0] & 0xff;
    if ((type != SOLICITATION && type != ADVERTISEMENT) || icmp[1] != 0) {
      return Optional.empty();
    }
    if (checksum(source, destination, icmp) != 0) {
      return Optional.empty();
    }
    int flags = type == ADVERTISEMENT ? readInt(icmp, 4) & (ROUTER | SOLICITED | OVERRIDE) : 0;
    byte[] address = new byte[16];
    System.arraycopy(icmp, 8, address, 0, 16);
    Ipv6Address target = Ipv6Address.fromBytes(address);
    if (target.isMulticast()) {
      return Optional.empty();
    }
    int wanted = type == SOLICITATION ? SOURCE_LINK_LAYER : TARGET_LINK_LAYER;
    Optional<MacAddress> linkLayer = Optional.empty();
    for (int at = HEADER; at < icmp.length; ) {
      if (at + 2 > icmp.length) {
        return Optional.empty();
      }
      int length = (icmp[at + 1] & 0xff) * 8;
      if (length == 0 || at + length > icmp.length) {
        return Optional.empty();
      }
      if ((icmp[at] & 0xff) == wanted && length >= 8) {
        linkLayer = Optional.of(MacAddress.fromBytes(icmp, at + 2));
      }
      at += length;
    }
    return Optional.of(new NdpMessage(type, flags, target, linkLayer));
  }

  /** The ICMPv6 bytes of this message from {@code source} to {@code destination}, checksummed. */
  public byte[] encode(Ipv6Address source, Ipv6Address destination) {
    byte[] out = new byte[HEADER + (linkLayer.isPresent() ? 8 : 0)];
    out[0] = (byte) type;
    writeInt(out, 4, flags);
    System.arraycopy(target.toBytes(), 0, out, 8, 16);
    linkLayer.ifPresent(
        mac -> {
          out[HEADER] = (byte) (type == SOLICITATION ? SOURCE_LINK_LAYER : TARGET_LINK_LAYER);
          out[HEADER + 1] = 1;
          mac.writeTo(out, HEADER + 2);
        });
    int sum = checksum(source, destination, out);
    out[2] = (byte) (sum >>> 8);
    out[3] = (byte) sum;
    return out;
  }

  /** The whole frame: Ethernet, IPv6 with hop limit 255, this message. */
  public EthernetFrame frame(
      MacAddress ethSource,
      MacAddress ethDestination,
      Ipv6Address source,
      Ipv6Address destination) {
    Ipv6Packet packet =
        new Ipv6Packet(
            0,
            0,
            HOP_LIMIT,
            PROTOCOL,
            source,
            destination,
            java.util.List.of(),
            new RawIpPayload(Bytes.of(encode(source, destination))));
    return EthernetFrame.of(ethDestination, ethSource, packet);
  }

  /** The solicited-node multicast address of {@code target}: ff02::1:ff and its low 24 bits. */
  public static Ipv6Address solicitedNode(Ipv6Address target) {
    return new Ipv6Address(
        0xff02_0000_0000_0000L, 0x0000_0001_ff00_0000L | (target.low() & 0xffffff));
  }

  /**
   * The Ethernet multicast address of an IPv6 multicast address (RFC 2464): 33:33 and its low 32
   * bits.
   */
  public static MacAddress multicastMac(Ipv6Address group) {
    return new MacAddress(0x3333_0000_0000L | (group.low() & 0xffff_ffffL));
  }

  /**
   * The ICMPv6 checksum over the pseudo-header and {@code icmp}: zero when {@code icmp} is intact.
   */
  private static int checksum(Ipv6Address source, Ipv6Address destination, byte[] icmp) {
    long sum =
        Checksums.ipv6PseudoHeader(
            source.high(),
            source.low(),
            destination.high(),
            destination.low(),
            PROTOCOL,
            icmp.length);
    return Checksums.finish(Checksums.add(sum, icmp, 0, icmp.length));
  }

  private static int readInt(byte[] b, int at) {
    return (b[at] & 0xff) << 24
        | (b[at + 1] & 0xff) << 16
        | (b[at + 2] & 0xff) << 8
        | b[at + 3] & 0xff;
  }

  private static void writeInt(byte[] b, int at, int value) {
    b[at] = (byte) (value >>> 24);
    b[at + 1] = (byte) (value >>> 16);
    b[at + 2] = (byte) (value >>> 8);
    b[at + 3] = (byte) value;
  }
}
