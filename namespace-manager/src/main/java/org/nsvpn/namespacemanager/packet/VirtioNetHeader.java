package org.nsvpn.namespacemanager.packet;

/**
 * struct virtio_net_hdr (linux/virtio_net.h), the 10 bytes in front of every frame a {@link
 * PacketSocket} receives or sends ({@code PACKET_VNET_HDR}). It carries what the kernel left
 * undone: a checksum to complete ({@link #F_NEEDS_CSUM}) and a TCP or UDP super-frame to cut into
 * segments of {@link #gsoSize()} payload bytes. Fields are little-endian, as on x86 and arm64 (the
 * kernel uses the host's order for packet sockets).
 *
 * <p>The record holds the fields as the kernel gave them, unchecked: a frame's header is validated
 * against the frame by whoever acts on it, so that a malformed one can be counted and dropped.
 *
 * @param flags {@link #F_NEEDS_CSUM}, {@link #F_DATA_VALID}
 * @param gsoType {@link #GSO_NONE}, {@link #GSO_TCPV4}, {@link #GSO_UDP}, {@link #GSO_TCPV6},
 *     {@link #GSO_UDP_L4}, possibly with {@link #GSO_ECN}
 * @param headerLength {@code hdr_len}: bytes of headers (Ethernet to L4) of a GSO frame
 * @param gsoSize payload bytes per segment of a GSO frame
 * @param checksumStart where the checksummed range begins, from the start of the frame
 * @param checksumOffset where the checksum is stored, from {@code checksumStart}
 */
public record VirtioNetHeader(
    int flags, int gsoType, int headerLength, int gsoSize, int checksumStart, int checksumOffset) {

  /** Bytes of the header on the wire. */
  public static final int LENGTH = 10;

  /** The checksum at {@code checksumStart + checksumOffset} holds only the pseudo-header sum. */
  public static final int F_NEEDS_CSUM = 1;

  /** The kernel (or the NIC) verified the frame's checksums. */
  public static final int F_DATA_VALID = 2;

  public static final int GSO_NONE = 0;
  public static final int GSO_TCPV4 = 1;

  /** UDP fragmentation offload (UFO), which Linux no longer produces. */
  public static final int GSO_UDP = 3;

  public static final int GSO_TCPV6 = 4;

  /** UDP segmentation (one datagram per segment), Linux 4.18 and later. */
  public static final int GSO_UDP_L4 = 5;

  /** Flag in {@code gsoType}: the TCP super-frame carries ECN (CWR on the first segment only). */
  public static final int GSO_ECN = 0x80;

  /** A frame that is whole and checksummed: what every frame sent without offloads carries. */
  public static final VirtioNetHeader NONE = new VirtioNetHeader(0, GSO_NONE, 0, 0, 0, 0);

  public VirtioNetHeader {
    requireU8("flags", flags);
    requireU8("gso type", gsoType);
    requireU16("header length", headerLength);
    requireU16("gso size", gsoSize);
    requireU16("checksum start", checksumStart);
    requireU16("checksum offset", checksumOffset);
  }

  private static void requireU8(String name, int value) {
    if (value < 0 || value > 0xff) {
      throw new IllegalArgumentException(name + " must fit 8 bits: " + value);
    }
  }

  private static void requireU16(String name, int value) {
    if (value < 0 || value > 0xffff) {
      throw new IllegalArgumentException(name + " must fit 16 bits: " + value);
    }
  }

  /** Reads a header from {@code LENGTH} bytes of {@code bytes} at {@code offset}. */
  public static VirtioNetHeader decode(byte[] bytes, int offset) {
    if (bytes[offset] == 0 && bytes[offset + 1] == 0) {
      return NONE;
    }
    return new VirtioNetHeader(
        bytes[offset] & 0xff,
        bytes[offset + 1] & 0xff,
        u16(bytes, offset + 2),
        u16(bytes, offset + 4),
        u16(bytes, offset + 6),
        u16(bytes, offset + 8));
  }

  /** Writes the header to {@code LENGTH} bytes of {@code bytes} at {@code offset}. */
  public void encode(byte[] bytes, int offset) {
    bytes[offset] = (byte) flags;
    bytes[offset + 1] = (byte) gsoType;
    put16(bytes, offset + 2, headerLength);
    put16(bytes, offset + 4, gsoSize);
    put16(bytes, offset + 6, checksumStart);
    put16(bytes, offset + 8, checksumOffset);
  }

  /** True when the checksum field holds only the pseudo-header sum. */
  public boolean needsChecksum() {
    return (flags & F_NEEDS_CSUM) != 0;
  }

  /** True for a super-frame that is to be cut into segments. */
  public boolean isGso() {
    return gsoType != GSO_NONE;
  }

  /** The GSO type without the {@link #GSO_ECN} flag. */
  public int gsoProtocol() {
    return gsoType & ~GSO_ECN;
  }

  private static int u16(byte[] bytes, int at) {
    return (bytes[at] & 0xff) | (bytes[at + 1] & 0xff) << 8;
  }

  private static void put16(byte[] bytes, int at, int value) {
    bytes[at] = (byte) value;
    bytes[at + 1] = (byte) (value >>> 8);
  }
}
