package org.nsvpn.agentplugin.datapath;

import org.nsvpn.namespacemanager.packet.VirtioNetHeader;
import org.nsvpn.simulator.packet.Checksums;

/**
 * What the virtio-net header of a received frame leaves to do, checked against the frame and done
 * in place before the simulator sees it: the simulator verifies every L4 checksum, so a partial one
 * ({@link VirtioNetHeader#F_NEEDS_CSUM}) is completed as the kernel's {@code skb_checksum_help}
 * would; a GSO super-frame keeps its size and gets its {@link Segmentation}, applied on the way
 * out.
 *
 * <p>Stateless; all offsets are absolute indexes into the caller's array.
 */
final class Offloads {
  static final int ETHERNET_HEADER = 14;
  private static final int ETHERTYPE_IPV4 = 0x0800;
  private static final int ETHERTYPE_IPV6 = 0x86dd;
  private static final int ETHERTYPE_VLAN = 0x8100;
  static final int TCP = 6;
  static final int UDP = 17;
  static final int TCP_CHECKSUM_OFFSET = 16;
  static final int UDP_CHECKSUM_OFFSET = 6;

  private Offloads() {}

  /**
   * Checks {@code header} against the {@code length}-byte frame at {@code offset}.
   *
   * @return null when the frame can be taken as the header describes it, else why not
   */
  static OffloadDrop check(VirtioNetHeader header, byte[] frame, int offset, int length) {
    if (header.needsChecksum()
        && (header.checksumStart() < ETHERNET_HEADER
            || header.checksumStart() + header.checksumOffset() + 2 > length)) {
      return OffloadDrop.CHECKSUM_OUTSIDE_FRAME;
    }
    if (!header.isGso()) {
      return null;
    }
    int type = header.gsoProtocol();
    if (type != VirtioNetHeader.GSO_TCPV4
        && type != VirtioNetHeader.GSO_TCPV6
        && type != VirtioNetHeader.GSO_UDP_L4) {
      return OffloadDrop.UNKNOWN_GSO_TYPE;
    }
    if (header.gsoSize() == 0 || header.gsoSize() > length) {
      return OffloadDrop.BAD_GSO_SIZE;
    }
    if (!header.needsChecksum()) {
      return OffloadDrop.BAD_GSO_HEADERS;
    }
    int l3 = l3Offset(frame, offset, length);
    if (l3 < 0) {
      return OffloadDrop.BAD_GSO_HEADERS;
    }
    int l4 = offset + header.checksumStart();
    Segmentation gso = new Segmentation(header.gsoType(), header.gsoSize(), l4 - (offset + l3));
    return gso.fits(frame, offset, length, header.checksumOffset())
        ? null
        : OffloadDrop.BAD_GSO_HEADERS;
  }

  /**
   * Completes the partial checksum a {@linkplain #check checked} header asks for: the one's
   * complement sum from {@code checksumStart} to the end of the frame, which includes the
   * pseudo-header sum the kernel left in the field, stored complemented (zero as 0xffff, which UDP
   * needs and TCP does not mind).
   */
  static void completeChecksum(VirtioNetHeader header, byte[] frame, int offset, int length) {
    if (!header.needsChecksum()) {
      return;
    }
    int start = offset + header.checksumStart();
    int checksum = Checksums.finish(Checksums.add(0, frame, start, offset + length - start));
    put16(frame, start + header.checksumOffset(), checksum == 0 ? 0xffff : checksum);
  }

  /**
   * The segmentation a checked GSO header asks for, relative to the frame's IP header so that it
   * still applies once the simulator has added or removed a VLAN tag.
   */
  static Segmentation segmentation(VirtioNetHeader header, byte[] frame, int offset, int length) {
    int l3 = l3Offset(frame, offset, length);
    return new Segmentation(header.gsoType(), header.gsoSize(), header.checksumStart() - l3);
  }

  /**
   * Where the IP header of an IPv4 or IPv6 frame starts, from {@code offset} (after one VLAN tag if
   * there is one); -1 for anything else.
   */
  static int l3Offset(byte[] frame, int offset, int length) {
    if (length < ETHERNET_HEADER) {
      return -1;
    }
    int type = u16(frame, offset + 12);
    int l3 = ETHERNET_HEADER;
    if (type == ETHERTYPE_VLAN) {
      if (length < ETHERNET_HEADER + 4) {
        return -1;
      }
      type = u16(frame, offset + 16);
      l3 += 4;
    }
    return type == ETHERTYPE_IPV4 || type == ETHERTYPE_IPV6 ? l3 : -1;
  }

  static int u16(byte[] bytes, int at) {
    return (bytes[at] & 0xff) << 8 | bytes[at + 1] & 0xff;
  }

  static void put16(byte[] bytes, int at, int value) {
    bytes[at] = (byte) (value >>> 8);
    bytes[at + 1] = (byte) value;
  }
}
