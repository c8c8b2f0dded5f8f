package org.nsvpn.simulator.packet;

/**
 * Why a frame was refused. Each error names the header at fault; {@link #kind()} groups them into
 * what an operator counts: truncated frames, malformed headers, bad checksums.
 */
public enum ParseError {
  TRUNCATED_ETHERNET(Kind.TRUNCATED, "Ethernet header"),
  TRUNCATED_VLAN(Kind.TRUNCATED, "802.1Q tag"),
  TRUNCATED_ARP(Kind.TRUNCATED, "ARP packet"),
  UNSUPPORTED_ARP(Kind.MALFORMED, "ARP packet is not Ethernet/IPv4 (htype 1, ptype 0x0800)"),
  TRUNCATED_IPV4(Kind.TRUNCATED, "IPv4 header"),
  BAD_IPV4_VERSION(Kind.MALFORMED, "IPv4 version field"),
  BAD_IPV4_HEADER_LENGTH(Kind.MALFORMED, "IPv4 header length (IHL)"),
  BAD_IPV4_TOTAL_LENGTH(Kind.MALFORMED, "IPv4 total length"),
  TRUNCATED_IPV4_PAYLOAD(Kind.TRUNCATED, "IPv4 payload (shorter than the total length)"),
  BAD_IPV4_CHECKSUM(Kind.BAD_CHECKSUM, "IPv4 header checksum"),
  TRUNCATED_IPV6(Kind.TRUNCATED, "IPv6 header"),
  BAD_IPV6_VERSION(Kind.MALFORMED, "IPv6 version field"),
  TRUNCATED_IPV6_PAYLOAD(Kind.TRUNCATED, "IPv6 payload (shorter than the payload length)"),
  TRUNCATED_IPV6_EXTENSION(Kind.TRUNCATED, "IPv6 extension header"),
  TOO_MANY_IPV6_EXTENSIONS(Kind.MALFORMED, "IPv6 extension header chain"),
  TRUNCATED_ICMP(Kind.TRUNCATED, "ICMP header"),
  BAD_ICMP_CHECKSUM(Kind.BAD_CHECKSUM, "ICMP checksum"),
  TRUNCATED_UDP(Kind.TRUNCATED, "UDP header"),
  BAD_UDP_LENGTH(Kind.MALFORMED, "UDP length"),
  BAD_UDP_CHECKSUM(Kind.BAD_CHECKSUM, "UDP checksum"),
  TRUNCATED_TCP(Kind.TRUNCATED, "TCP header"),
  BAD_TCP_HEADER_LENGTH(Kind.MALFORMED, "TCP data offset"),
  BAD_TCP_CHECKSUM(Kind.BAD_CHECKSUM, "TCP checksum"),
  TRUNCATED_ESP(Kind.TRUNCATED, "ESP header");

  /** The groups of errors. */
  public enum Kind {
    /** The frame ends inside a header, or before the length a header announces. */
    TRUNCATED,
    /** A header field holds a value the protocol forbids. */
    MALFORMED,
    /** A checksum does not match the bytes. */
    BAD_CHECKSUM
  }

  private final Kind kind;
  private final String what;

  ParseError(Kind kind, String what) {
    this.kind = kind;
    this.what = what;
  }

  public Kind kind() {
    return kind;
  }

  /** The header or field at fault, for messages. */
  public String what() {
    return what;
  }
}
