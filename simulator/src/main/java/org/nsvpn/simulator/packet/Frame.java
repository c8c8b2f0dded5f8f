package org.nsvpn.simulator.packet;

import java.util.Arrays;
import java.util.Objects;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.Ipv6Address;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.rules.FragmentType;

/**
 * A parsed view of one Ethernet frame: the datapath's packet. {@link #parse} walks the headers once
 * and records offsets and field values as numbers, allocating nothing; lengths and checksums are
 * verified on the way, and a bad frame yields a {@link ParseError} and a detail message, never an
 * exception.
 *
 * <p>The view reads the caller's array in place and never writes it. The router's rewrites ({@link
 * #setEthernetAddresses}, {@link #decrementTtl}) first copy the frame into an array the view owns
 * (copy on write); {@link #exportBytes} hands that array over, or a copy, as the bytes to emit.
 *
 * <p>Absent fields read as -1 (numbers) or null (objects), as {@link
 * org.nsvpn.chainrules.rules.PacketFields} requires. L4 fields are present for unfragmented packets
 * and first fragments; L4 checksums are verified only on unfragmented packets, since a fragment's
 * checksum covers bytes it does not carry.
 *
 * <p>Not thread-safe: one view per simulation.
 */
public final class Frame {

  /** Length of an untagged Ethernet II header. */
  public static final int ETHERNET_HEADER_LENGTH = 14;

  /** The most IPv6 extension headers accepted before the upper-layer header. */
  public static final int MAX_IPV6_EXTENSIONS = 8;

  private static final int ARP_LENGTH = 28;

  private byte[] data;
  private int start;
  private int length;
  private boolean owned;

  private long ethDst;
  private long ethSrc;
  private int vlanTci;
  private int etherType;
  private int l3;

  private int arpOperation;
  private long arpSenderMac;
  private int arpSenderIp;
  private long arpTargetMac;
  private int arpTargetIp;

  private int ipVersion;
  private int ipHeaderLength;
  private int ipLength;
  private int ttl;
  private int protocol;
  private int v4Src;
  private int v4Dst;
  private long v6SrcHigh;
  private long v6SrcLow;
  private long v6DstHigh;
  private long v6DstLow;
  private FragmentType fragmentType;

  private int l4;
  private int l4Length;
  private int tpSrc;
  private int tpDst;
  private int tcpFlags;
  private int icmpType;
  private int icmpCode;
  private long espSpi;
  private long espSequence;

  private ParseError error;
  private String errorDetail;

  private MacAddress ethSrcAddress;
  private MacAddress ethDstAddress;
  private IpAddress nwSrcAddress;
  private IpAddress nwDstAddress;

  /**
   * Parses {@code length} bytes of {@code bytes} from {@code offset} (the frame without FCS).
   *
   * @param verifyL4Checksums whether to verify ICMP, UDP and TCP checksums; turn off for frames
   *     whose checksums a NIC or veth left to offload (the IPv4 header checksum is always checked)
   * @return true when the frame is valid; otherwise {@link #error()} says why
   * @throws IndexOutOfBoundsException if the range lies outside {@code bytes} (a caller bug, not a
   *     property of the frame)
   */
  public boolean parse(byte[] bytes, int offset, int length, boolean verifyL4Checksums) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    reset();
    this.data = bytes;
    this.start = offset;
    this.length = length;
    this.owned = false;
    int end = offset + length;
    if (length < ETHERNET_HEADER_LENGTH) {
      return fail(
          ParseError.TRUNCATED_ETHERNET,
          "frame has " + length + " bytes, the header needs " + ETHERNET_HEADER_LENGTH);
    }
    ethDst = read48(offset);
    ethSrc = read48(offset + 6);
    int type = u16(offset + 12);
    int p = offset + ETHERNET_HEADER_LENGTH;
    if (type == EtherType.VLAN) {
      if (end - p < 4) {
        return fail(
            ParseError.TRUNCATED_VLAN, "frame has " + length + " bytes, a tagged header needs 18");
      }
      vlanTci = u16(p);
      type = u16(p + 2);
      p += 4;
    }
    etherType = type;
    l3 = p;
    return switch (type) {
      case EtherType.ARP -> parseArp(p, end);
      case EtherType.IPV4 -> parseIpv4(p, end, verifyL4Checksums);
      case EtherType.IPV6 -> parseIpv6(p, end, verifyL4Checksums);
      default -> true;
    };
  }

  /**
   * Parses a whole array that the caller hands over (a frame it built, or one it accepted before,
   * and will not touch again): the view owns it, so rewrites and {@link #exportBytes()} need no
   * copy.
   */
  public boolean parseAdopted(byte[] bytes, boolean verifyL4Checksums) {
    boolean ok = parse(bytes, 0, bytes.length, verifyL4Checksums);
    owned = true;
    return ok;
  }

  /** Parses a whole array; see {@link #parse(byte[], int, int, boolean)}. */
  public boolean parse(byte[] bytes) {
    return parse(bytes, 0, bytes.length, true);
  }

  private void reset() {
    vlanTci = -1;
    arpOperation = -1;
    ipVersion = 0;
    ipHeaderLength = 0;
    ipLength = 0;
    ttl = -1;
    protocol = -1;
    fragmentType = FragmentType.UNFRAGMENTED;
    l4 = -1;
    l4Length = 0;
    tpSrc = -1;
    tpDst = -1;
    tcpFlags = -1;
    icmpType = -1;
    icmpCode = -1;
    espSpi = -1;
    espSequence = -1;
    error = null;
    errorDetail = null;
    ethSrcAddress = null;
    ethDstAddress = null;
    nwSrcAddress = null;
    nwDstAddress = null;
  }

  private boolean fail(ParseError e, String detail) {
    error = e;
    errorDetail = detail;
    return false;
  }

  private boolean parseArp(int p, int end) {
    if (end - p < ARP_LENGTH) {
      return fail(
          ParseError.TRUNCATED_ARP,
          (end - p) + " bytes after the Ethernet header, ARP needs " + ARP_LENGTH);
    }
    if (u16(p) != 1 || u16(p + 2) != EtherType.IPV4 || u8(p + 4) != 6 || u8(p + 5) != 4) {
      return fail(
          ParseError.UNSUPPORTED_ARP,
          String.format(
              "htype %d ptype 0x%04x hlen %d plen %d", u16(p), u16(p + 2), u8(p + 4), u8(p + 5)));
    }
    arpOperation = u16(p + 6);
    arpSenderMac = read48(p + 8);
    arpSenderIp = s32(p + 14);
    arpTargetMac = read48(p + 18);
    arpTargetIp = s32(p + 24);
    return true;
  }

  private boolean parseIpv4(int p, int end, boolean verifyL4) {
    int available = end - p;
    if (available < 20) {
      return fail(
          ParseError.TRUNCATED_IPV4,
          available + " bytes after the Ethernet header, the IPv4 header needs 20");
    }
    int versionIhl = u8(p);
    if (versionIhl >>> 4 != 4) {
      return fail(ParseError.BAD_IPV4_VERSION, "version " + (versionIhl >>> 4) + ", expected 4");
    }
    int ihl = (versionIhl & 0xf) * 4;
    if (ihl < 20) {
      return fail(ParseError.BAD_IPV4_HEADER_LENGTH, ihl + " bytes, at least 20 required");
    }
    if (ihl > available) {
      return fail(
          ParseError.TRUNCATED_IPV4,
          "header length " + ihl + " but only " + available + " bytes follow the Ethernet header");
    }
    int total = u16(p + 2);
    if (total < ihl) {
      return fail(
          ParseError.BAD_IPV4_TOTAL_LENGTH,
          "total length " + total + " is less than the header length " + ihl);
    }
    if (total > available) {
      return fail(
          ParseError.TRUNCATED_IPV4_PAYLOAD,
          "total length " + total + " but only " + available + " bytes follow the Ethernet header");
    }
    long sum = Checksums.add(0, data, p, ihl);
    if (Checksums.fold(sum) != 0xffff) {
      int stored = u16(p + 10);
      return fail(
          ParseError.BAD_IPV4_CHECKSUM,
          String.format(
              "stored 0x%04x, computed 0x%04x",
              stored, Checksums.finish(sum + (~stored & 0xffff))));
    }
    ipVersion = 4;
    ipHeaderLength = ihl;
    ipLength = total;
    ttl = u8(p + 8);
    protocol = u8(p + 9);
    v4Src = s32(p + 12);
    v4Dst = s32(p + 16);
    int flagsOffset = u16(p + 6);
    boolean more = (flagsOffset & 0x2000) != 0;
    int fragmentOffset = flagsOffset & 0x1fff;
    fragmentType =
        fragmentOffset > 0
            ? FragmentType.LATER
            : more ? FragmentType.FIRST : FragmentType.UNFRAGMENTED;
    l4 = p + ihl;
    l4Length = total - ihl;
    if (fragmentType == FragmentType.LATER) {
      return true;
    }
    long pseudo = Checksums.ipv4PseudoHeader(v4Src, v4Dst, protocol, l4Length);
    return parseL4(verifyL4 && fragmentType == FragmentType.UNFRAGMENTED, pseudo);
  }

  private boolean parseIpv6(int p, int end, boolean verifyL4) {
    int available = end - p;
    if (available < 40) {
      return fail(
          ParseError.TRUNCATED_IPV6,
          available + " bytes after the Ethernet header, the IPv6 header needs 40");
    }
    int version = u8(p) >>> 4;
    if (version != 6) {
      return fail(ParseError.BAD_IPV6_VERSION, "version " + version + ", expected 6");
    }
    int payloadLength = u16(p + 4);
    if (40 + payloadLength > available) {
      return fail(
          ParseError.TRUNCATED_IPV6_PAYLOAD,
          "payload length "
              + payloadLength
              + " but only "
              + (available - 40)
              + " bytes follow the header");
    }
    int ipEnd = p + 40 + payloadLength;
    int next = u8(p + 6);
    int off = p + 40;
    int count = 0;
    FragmentType fragment = FragmentType.UNFRAGMENTED;
    while (IpProtocol.isIpv6Extension(next) && fragment != FragmentType.LATER) {
      if (++count > MAX_IPV6_EXTENSIONS) {
        return fail(
            ParseError.TOO_MANY_IPV6_EXTENSIONS,
            "more than " + MAX_IPV6_EXTENSIONS + " extension headers");
      }
      if (ipEnd - off < 8) {
        return fail(
            ParseError.TRUNCATED_IPV6_EXTENSION,
            "extension header " + next + " at byte " + (off - start) + " needs 8 bytes");
      }
      int headerLength = ipv6ExtensionLength(next, u8(off + 1));
      if (headerLength > ipEnd - off) {
        return fail(
            ParseError.TRUNCATED_IPV6_EXTENSION,
            "extension header "
                + next
                + " announces "
                + headerLength
                + " bytes, "
                + (ipEnd - off)
                + " remain");
      }
      if (next == IpProtocol.IPV6_FRAGMENT) {
        int offsetFlags = u16(off + 2);
        if (offsetFlags >>> 3 != 0) {
          fragment = FragmentType.LATER;
        } else if ((offsetFlags & 1) != 0) {
          fragment = FragmentType.FIRST;
        }
      }
      next = u8(off);
      off += headerLength;
    }
    ipVersion = 6;
    ipHeaderLength = off - p;
    ipLength = 40 + payloadLength;
    ttl = u8(p + 7);
    protocol = next;
    v6SrcHigh = s64(p + 8);
    v6SrcLow = s64(p + 16);
    v6DstHigh = s64(p + 24);
    v6DstLow = s64(p + 32);
    fragmentType = fragment;
    l4 = off;
    l4Length = ipEnd - off;
    if (fragment == FragmentType.LATER) {
      return true;
    }
    long pseudo =
        Checksums.ipv6PseudoHeader(v6SrcHigh, v6SrcLow, v6DstHigh, v6DstLow, next, l4Length);
    return parseL4(verifyL4 && fragment == FragmentType.UNFRAGMENTED, pseudo);
  }

  /** Bytes of an IPv6 extension header of type {@code type} whose length byte is {@code len}. */
  static int ipv6ExtensionLength(int type, int len) {
    return switch (type) {
      case IpProtocol.IPV6_FRAGMENT -> 8;
      case IpProtocol.AH -> (len + 2) * 4;
      default -> (len + 1) * 8;
    };
  }

  private boolean parseL4(boolean verify, long pseudo) {
    boolean whole = fragmentType == FragmentType.UNFRAGMENTED;
    switch (protocol) {
      case IpProtocol.ICMP -> {
        if (ipVersion != 4) {
          return true;
        }
        if (l4Length < 8) {
          return fail(ParseError.TRUNCATED_ICMP, l4Length + " bytes, the header needs 8");
        }
        if (verify && Checksums.fold(Checksums.add(0, data, l4, l4Length)) != 0xffff) {
          return fail(ParseError.BAD_ICMP_CHECKSUM, storedVersusComputed(l4, l4 + 2, l4Length, 0));
        }
        icmpType = u8(l4);
        icmpCode = u8(l4 + 1);
      }
      case IpProtocol.UDP -> {
        if (l4Length < 8) {
          return fail(ParseError.TRUNCATED_UDP, l4Length + " bytes, the header needs 8");
        }
        int udpLength = u16(l4 + 4);
        if (whole ? udpLength != l4Length : udpLength < 8) {
          return fail(
              ParseError.BAD_UDP_LENGTH,
              "UDP length " + udpLength + " but the IP payload is " + l4Length + " bytes");
        }
        int stored = u16(l4 + 6);
        if (verify) {
          if (stored == 0 && ipVersion == 6) {
            return fail(ParseError.BAD_UDP_CHECKSUM, "zero (no checksum) is not allowed in IPv6");
          }
          if (stored != 0 && Checksums.fold(Checksums.add(pseudo, data, l4, l4Length)) != 0xffff) {
            return fail(
                ParseError.BAD_UDP_CHECKSUM, storedVersusComputed(l4, l4 + 6, l4Length, pseudo));
          }
        }
        tpSrc = u16(l4);
        tpDst = u16(l4 + 2);
      }
      case IpProtocol.TCP -> {
        if (l4Length < 20) {
          return fail(ParseError.TRUNCATED_TCP, l4Length + " bytes, the header needs 20");
        }
        int dataOffset = (u8(l4 + 12) >>> 4) * 4;
        if (dataOffset < 20 || dataOffset > l4Length) {
          return fail(
              ParseError.BAD_TCP_HEADER_LENGTH,
              "data offset " + dataOffset + " bytes, segment has " + l4Length);
        }
        if (verify && Checksums.fold(Checksums.add(pseudo, data, l4, l4Length)) != 0xffff) {
          return fail(
              ParseError.BAD_TCP_CHECKSUM, storedVersusComputed(l4, l4 + 16, l4Length, pseudo));
        }
        tpSrc = u16(l4);
        tpDst = u16(l4 + 2);
        tcpFlags = u16(l4 + 12) & 0x0fff;
      }
      case IpProtocol.ESP -> {
        if (l4Length < 8) {
          return fail(ParseError.TRUNCATED_ESP, l4Length + " bytes, SPI and sequence need 8");
        }
        espSpi = u32(l4);
        espSequence = u32(l4 + 4);
      }
      default -> {
        // Another protocol: no L4 fields.
      }
    }
    return true;
  }

  private String storedVersusComputed(int from, int checksumAt, int len, long pseudo) {
    int stored = u16(checksumAt);
    long sum = Checksums.add(pseudo, data, from, len) + (~stored & 0xffff);
    return String.format("stored 0x%04x, computed 0x%04x", stored, Checksums.finish(sum));
  }

  // ---- rewriting (copy on write) ------------------------------------------------------------

  /** True when the view owns its array (a private copy no one else has seen). */
  public boolean isOwned() {
    return owned;
  }

  private void own() {
    if (!owned) {
      byte[] copy = Arrays.copyOfRange(data, start, start + length);
      int shift = start;
      data = copy;
      start = 0;
      l3 -= shift;
      if (l4 >= 0) {
        l4 -= shift;
      }
      owned = true;
    }
  }

  /** Rewrites destination and source MAC (48-bit values), on a private copy. */
  public void setEthernetAddresses(long destination, long source) {
    own();
    write48(start, destination);
    write48(start + 6, source);
    ethDst = destination;
    ethSrc = source;
    ethDstAddress = null;
    ethSrcAddress = null;
  }

  /**
   * Decrements the IPv4 TTL (updating the header checksum incrementally, RFC 1624) or the IPv6 hop
   * limit, on a private copy. The caller checks that the TTL is above 1 first.
   */
  public void decrementTtl() {
    own();
    if (ipVersion == 4) {
      data[l3 + 8] = (byte) (ttl - 1);
      // RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), m the 16-bit word holding TTL and protocol.
      int stored = u16(l3 + 10);
      int before = ttl << 8 | protocol;
      int after = (ttl - 1) << 8 | protocol;
      long sum = (~stored & 0xffff) + (~before & 0xffff) + after;
      Checksums.put16(data, l3 + 10, Checksums.finish(sum));
    } else if (ipVersion == 6) {
      data[l3 + 7] = (byte) (ttl - 1);
    }
    ttl--;
  }

  /**
   * The frame's bytes to emit. Hands over the private array when the view owns it exactly (the view
   * stops owning it, so later rewrites copy again); otherwise returns a copy, because the caller's
   * array must not escape into results.
   */
  public byte[] exportBytes() {
    if (owned && start == 0 && length == data.length) {
      owned = false;
      return data;
    }
    return Arrays.copyOfRange(data, start, start + length);
  }

  /**
   * An independent view of the same frame (for a bridge flooding copies into several devices).
   * Neither view owns the shared array afterwards, so a rewrite through either copies first.
   */
  public Frame copy() {
    Frame c = new Frame();
    c.copyFrom(this);
    owned = false;
    c.owned = false;
    return c;
  }

  private void copyFrom(Frame o) {
    data = o.data;
    start = o.start;
    length = o.length;
    ethDst = o.ethDst;
    ethSrc = o.ethSrc;
    vlanTci = o.vlanTci;
    etherType = o.etherType;
    l3 = o.l3;
    arpOperation = o.arpOperation;
    arpSenderMac = o.arpSenderMac;
    arpSenderIp = o.arpSenderIp;
    arpTargetMac = o.arpTargetMac;
    arpTargetIp = o.arpTargetIp;
    ipVersion = o.ipVersion;
    ipHeaderLength = o.ipHeaderLength;
    ipLength = o.ipLength;
    ttl = o.ttl;
    protocol = o.protocol;
    v4Src = o.v4Src;
    v4Dst = o.v4Dst;
    v6SrcHigh = o.v6SrcHigh;
    v6SrcLow = o.v6SrcLow;
    v6DstHigh = o.v6DstHigh;
    v6DstLow = o.v6DstLow;
    fragmentType = o.fragmentType;
    l4 = o.l4;
    l4Length = o.l4Length;
    tpSrc = o.tpSrc;
    tpDst = o.tpDst;
    tcpFlags = o.tcpFlags;
    icmpType = o.icmpType;
    icmpCode = o.icmpCode;
    espSpi = o.espSpi;
    espSequence = o.espSequence;
    error = o.error;
    errorDetail = o.errorDetail;
    ethSrcAddress = o.ethSrcAddress;
    ethDstAddress = o.ethDstAddress;
    nwSrcAddress = o.nwSrcAddress;
    nwDstAddress = o.nwDstAddress;
  }

  /**
   * Forgets the frame (drops the reference to its array and cached values), so that a reused view
   * keeps nothing alive between frames. Accessors are meaningless until the next parse.
   */
  public void release() {
    reset();
    data = null;
    owned = false;
  }

  // ---- value access -------------------------------------------------------------------------

  /** The frame as a value (see {@link EthernetFrame}); only after a successful parse. */
  public EthernetFrame toEthernetFrame() {
    requireParsed();
    return PacketDecoder.decode(this);
  }

  /**
   * A copy of the first {@code maxLength} bytes of the IP packet (header onwards, without Ethernet
   * padding): what an ICMP error quotes.
   */
  public Bytes ipPacketPrefix(int maxLength) {
    requireParsed();
    if (ipVersion == 0) {
      return Bytes.EMPTY;
    }
    return Bytes.copyOf(data, l3, Math.min(maxLength, ipLength));
  }

  private void requireParsed() {
    if (data == null || error != null) {
      throw new IllegalStateException("no successfully parsed frame");
    }
  }

  // ---- accessors ----------------------------------------------------------------------------

  /** Why the last parse failed, or null after success. */
  public ParseError error() {
    return error;
  }

  /** Details of {@link #error()}: lengths, stored and computed checksums. Null after success. */
  public String errorDetail() {
    return errorDetail;
  }

  /** Length of the frame in bytes. */
  public int length() {
    return length;
  }

  public long ethDst() {
    return ethDst;
  }

  public long ethSrc() {
    return ethSrc;
  }

  public MacAddress ethDstAddress() {
    if (ethDstAddress == null) {
      ethDstAddress = new MacAddress(ethDst);
    }
    return ethDstAddress;
  }

  public MacAddress ethSrcAddress() {
    if (ethSrcAddress == null) {
      ethSrcAddress = new MacAddress(ethSrc);
    }
    return ethSrcAddress;
  }

  /** The 802.1Q tag control information (PCP, DEI, VID), or -1 when untagged. */
  public int vlanTci() {
    return vlanTci;
  }

  /** The VLAN id, 0 when untagged. */
  public int vlanId() {
    return vlanTci < 0 ? 0 : vlanTci & 0xfff;
  }

  /** The EtherType after any 802.1Q tag. */
  public int etherType() {
    return etherType;
  }

  /** ARP operation (1 request, 2 reply), or -1 when not ARP. */
  public int arpOperation() {
    return arpOperation;
  }

  public long arpSenderMac() {
    return arpSenderMac;
  }

  public int arpSenderIp() {
    return arpSenderIp;
  }

  public long arpTargetMac() {
    return arpTargetMac;
  }

  public int arpTargetIp() {
    return arpTargetIp;
  }

  /** 4, 6, or 0 when the frame carries no IP packet. */
  public int ipVersion() {
    return ipVersion;
  }

  /** IPv4 TTL or IPv6 hop limit, -1 when not IP. */
  public int ttl() {
    return ttl;
  }

  /** IPv4 protocol or IPv6 upper-layer next header, -1 when not IP. */
  public int protocol() {
    return protocol;
  }

  /** IPv4 source as 32 bits (meaningful when {@link #ipVersion()} is 4). */
  public int ipv4Src() {
    return v4Src;
  }

  /** IPv4 destination as 32 bits (meaningful when {@link #ipVersion()} is 4). */
  public int ipv4Dst() {
    return v4Dst;
  }

  /** IP source as a value, or null when not IP. Created once per parse. */
  public IpAddress nwSrc() {
    if (nwSrcAddress == null && ipVersion != 0) {
      nwSrcAddress = ipVersion == 4 ? new Ipv4Address(v4Src) : new Ipv6Address(v6SrcHigh, v6SrcLow);
    }
    return nwSrcAddress;
  }

  /** IP destination as a value, or null when not IP. Created once per parse. */
  public IpAddress nwDst() {
    if (nwDstAddress == null && ipVersion != 0) {
      nwDstAddress = ipVersion == 4 ? new Ipv4Address(v4Dst) : new Ipv6Address(v6DstHigh, v6DstLow);
    }
    return nwDstAddress;
  }

  public FragmentType fragmentType() {
    return fragmentType;
  }

  public int tpSrc() {
    return tpSrc;
  }

  public int tpDst() {
    return tpDst;
  }

  /** The 12 bits after the TCP data offset (reserved, NS, CWR ... FIN), or -1. */
  public int tcpFlags() {
    return tcpFlags;
  }

  /** ICMP (v4) type, or -1. */
  public int icmpType() {
    return icmpType;
  }

  /** ICMP (v4) code, or -1. */
  public int icmpCode() {
    return icmpCode;
  }

  /** ESP security parameters index (unsigned 32 bits), or -1. */
  public long espSpi() {
    return espSpi;
  }

  /** ESP sequence number (unsigned 32 bits), or -1. */
  public long espSequence() {
    return espSequence;
  }

  // ---- package access for the value decoder ---------------------------------------------------

  byte[] data() {
    return data;
  }

  int start() {
    return start;
  }

  int l3Offset() {
    return l3;
  }

  int ipHeaderLength() {
    return ipHeaderLength;
  }

  int ipLength() {
    return ipLength;
  }

  int l4Offset() {
    return l4;
  }

  int l4Length() {
    return l4Length;
  }

  long v6SrcHigh() {
    return v6SrcHigh;
  }

  long v6SrcLow() {
    return v6SrcLow;
  }

  long v6DstHigh() {
    return v6DstHigh;
  }

  long v6DstLow() {
    return v6DstLow;
  }

  int u8(int at) {
    return data[at] & 0xff;
  }

  int u16(int at) {
    return (data[at] & 0xff) << 8 | data[at + 1] & 0xff;
  }

  long u32(int at) {
    return s32(at) & 0xffff_ffffL;
  }

  int s32(int at) {
    return (data[at] & 0xff) << 24
        | (data[at + 1] & 0xff) << 16
        | (data[at + 2] & 0xff) << 8
        | data[at + 3] & 0xff;
  }

  long s64(int at) {
    return (long) s32(at) << 32 | s32(at + 4) & 0xffff_ffffL;
  }

  long read48(int at) {
    return (long) u16(at) << 32 | s32(at + 2) & 0xffff_ffffL;
  }

  private void write48(int at, long v) {
    for (int i = 0; i < 6; i++) {
      data[at + i] = (byte) (v >>> (40 - 8 * i));
    }
  }
}
