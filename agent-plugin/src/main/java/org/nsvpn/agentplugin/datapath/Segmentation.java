package org.nsvpn.agentplugin.datapath;

import static org.nsvpn.agentplugin.datapath.Offloads.put16;
import static org.nsvpn.agentplugin.datapath.Offloads.u16;

import org.nsvpn.namespacemanager.packet.VirtioNetHeader;
import org.nsvpn.simulator.packet.Checksums;

/**
 * How a received GSO super-frame is to be cut into segments, and the two ways of doing it on the
 * way out: {@link #partial} hands the work to the kernel (an AF_PACKET egress takes the frame with
 * a virtio-net header and segments it, in the device if it can), {@link #segment} does it here (an
 * egress that takes whole frames only, such as the VXLAN overlay).
 *
 * <p>The simulator forwards the super-frame as one frame, rewriting MAC addresses and the TTL (and
 * the IPv4 header checksum with it) and possibly a VLAN tag; nothing here assumes the emitted frame
 * is byte for byte the received one: positions are found again from its Ethernet header, the L4
 * header's distance from the IP header is what carries over, and checksums are computed from the
 * emitted frame's own headers.
 *
 * @param gsoType the {@link VirtioNetHeader} GSO type, with {@link VirtioNetHeader#GSO_ECN} if set
 * @param gsoSize payload bytes per segment
 * @param l4FromL3 bytes from the start of the IP header to the TCP or UDP header
 */
record Segmentation(int gsoType, int gsoSize, int l4FromL3) {
  private static final int FIN = 0x01;
  private static final int PSH = 0x08;
  private static final int CWR = 0x80;

  /** Receives each segment: {@code length} bytes from the start of {@code frame}. */
  @FunctionalInterface
  interface SegmentSink {
    void accept(byte[] frame, int length);
  }

  Segmentation {
    if (gsoSize <= 0) {
      throw new IllegalArgumentException("gso size must be positive: " + gsoSize);
    }
  }

  private boolean udp() {
    return (gsoType & ~VirtioNetHeader.GSO_ECN) == VirtioNetHeader.GSO_UDP_L4;
  }

  private int checksumOffset() {
    return udp() ? Offloads.UDP_CHECKSUM_OFFSET : Offloads.TCP_CHECKSUM_OFFSET;
  }

  /** True when the frame is a TCP or UDP super-frame this segmentation can cut. */
  boolean fits(byte[] frame, int offset, int length, int checksumOffset) {
    return checksumOffset == checksumOffset() && layout(frame, offset, length) != null;
  }

  /**
   * Prepares the emitted super-frame for a socket that segments it: its L4 checksum field gets the
   * pseudo-header sum (the full L4 length, as the kernel's own TSO frames carry it), and the header
   * to send it with says where it is.
   *
   * @return the header, or null when the frame is no longer a super-frame this segmentation fits
   */
  VirtioNetHeader partial(byte[] frame, int offset, int length) {
    Layout at = layout(frame, offset, length);
    if (at == null) {
      return null;
    }
    long pseudo = pseudoHeader(frame, at.l3, at.ipv4, at.end - at.l4);
    put16(frame, at.l4 + checksumOffset(), Checksums.fold(pseudo));
    return new VirtioNetHeader(
        VirtioNetHeader.F_NEEDS_CSUM,
        gsoType,
        at.payload - offset,
        gsoSize,
        at.l4 - offset,
        checksumOffset());
  }

  /**
   * Cuts the emitted super-frame into whole, checksummed frames of at most {@link #gsoSize} payload
   * bytes each, as the kernel's TCP and UDP GSO do: TCP sequence numbers advance, FIN and PSH stay
   * on the last segment only, CWR on the first only; IPv4 identifiers count up from the
   * super-frame's; lengths and checksums are each segment's own.
   *
   * @param out where each segment is built, at least as long as the headers plus {@link #gsoSize};
   *     handed to {@code sink} and reused for the next
   * @return how many segments were made, or -1 when the frame is no longer a super-frame this
   *     segmentation fits (nothing was made)
   */
  int segment(byte[] frame, int offset, int length, byte[] out, SegmentSink sink) {
    Layout at = layout(frame, offset, length);
    if (at == null) {
      return -1;
    }
    int headers = at.payload - offset;
    int l3 = at.l3 - offset;
    int l4 = at.l4 - offset;
    int checksumAt = l4 + checksumOffset();
    int identifier = at.ipv4 ? u16(frame, at.l3 + 4) : 0;
    int count = 0;
    for (int from = at.payload; from < at.end; from += gsoSize, count++) {
      int n = Math.min(gsoSize, at.end - from);
      boolean last = from + n == at.end;
      System.arraycopy(frame, offset, out, 0, headers);
      System.arraycopy(frame, from, out, headers, n);
      int size = headers + n;
      if (at.ipv4) {
        put16(out, l3 + 2, size - l3);
        put16(out, l3 + 4, (identifier + count) & 0xffff);
        put16(out, l3 + 10, 0);
        put16(out, l3 + 10, Checksums.of(out, l3, l4 - l3));
      } else {
        put16(out, l3 + 4, size - l3 - 40);
      }
      if (udp()) {
        put16(out, l4 + 4, size - l4);
      } else {
        int sequence = s32(frame, at.l4 + 4) + (from - at.payload);
        put32(out, l4 + 4, sequence);
        int flags = out[l4 + 13] & 0xff;
        if (!last) {
          flags &= ~(FIN | PSH);
        }
        if (count > 0) {
          flags &= ~CWR;
        }
        out[l4 + 13] = (byte) flags;
      }
      put16(out, checksumAt, 0);
      long sum = Checksums.add(pseudoHeader(out, l3, at.ipv4, size - l4), out, l4, size - l4);
      int checksum = Checksums.finish(sum);
      put16(out, checksumAt, checksum == 0 && udp() ? 0xffff : checksum);
      sink.accept(out, size);
    }
    return count;
  }

  /**
   * Absolute positions in a super-frame: IP header, L4 header, payload, and the end of the IP
   * packet.
   */
  private record Layout(int l3, int l4, int payload, int end, boolean ipv4) {}

  /** The frame's layout, or null when it is not the TCP or UDP super-frame this expects. */
  private Layout layout(byte[] frame, int offset, int length) {
    int l3Offset = Offloads.l3Offset(frame, offset, length);
    if (l3Offset < 0) {
      return null;
    }
    int l3 = offset + l3Offset;
    int limit = offset + length;
    int l4 = l3 + l4FromL3;
    int version = (frame[l3] & 0xff) >>> 4;
    int protocol;
    int end;
    int type = gsoType & ~VirtioNetHeader.GSO_ECN;
    if (version == 4 && type != VirtioNetHeader.GSO_TCPV6) {
      if (limit - l3 < 20
          || (frame[l3] & 0x0f) * 4 != l4FromL3
          || l4FromL3 < 20
          || (u16(frame, l3 + 6) & 0x3fff) != 0) {
        return null;
      }
      protocol = frame[l3 + 9] & 0xff;
      end = l3 + u16(frame, l3 + 2);
    } else if (version == 6 && type != VirtioNetHeader.GSO_TCPV4) {
      if (limit - l3 < 40 || l4FromL3 < 40) {
        return null;
      }
      // Extension headers are not walked: with any, the header's checksum start is trusted.
      protocol = l4FromL3 == 40 ? frame[l3 + 6] & 0xff : expectedProtocol();
      end = l3 + 40 + u16(frame, l3 + 4);
    } else {
      return null;
    }
    if (protocol != expectedProtocol() || end > limit) {
      return null;
    }
    int payload;
    if (udp()) {
      payload = l4 + 8;
    } else {
      if (l4 + 20 > end) {
        return null;
      }
      int tcpHeader = ((frame[l4 + 12] & 0xff) >>> 4) * 4;
      if (tcpHeader < 20) {
        return null;
      }
      payload = l4 + tcpHeader;
    }
    if (payload >= end) {
      return null;
    }
    return new Layout(l3, l4, payload, end, version == 4);
  }

  private int expectedProtocol() {
    return udp() ? Offloads.UDP : Offloads.TCP;
  }

  /** The pseudo-header sum of the IP header at {@code l3} for an L4 part of {@code l4Length}. */
  private long pseudoHeader(byte[] frame, int l3, boolean ipv4, int l4Length) {
    if (ipv4) {
      return Checksums.ipv4PseudoHeader(
          s32(frame, l3 + 12), s32(frame, l3 + 16), expectedProtocol(), l4Length);
    }
    return Checksums.ipv6PseudoHeader(
        s64(frame, l3 + 8),
        s64(frame, l3 + 16),
        s64(frame, l3 + 24),
        s64(frame, l3 + 32),
        expectedProtocol(),
        l4Length);
  }

  private static int s32(byte[] bytes, int at) {
    return u16(bytes, at) << 16 | u16(bytes, at + 2);
  }

  private static long s64(byte[] bytes, int at) {
    return (long) s32(bytes, at) << 32 | s32(bytes, at + 4) & 0xffff_ffffL;
  }

  private static void put32(byte[] bytes, int at, int value) {
    put16(bytes, at, value >>> 16);
    put16(bytes, at + 2, value);
  }
}
