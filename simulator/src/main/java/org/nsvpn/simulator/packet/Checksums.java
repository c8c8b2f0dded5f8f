package org.nsvpn.simulator.packet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of
 * 16-bit big-endian words. Sums are carried in a {@code long} and folded at the end, so partial
 * sums (pseudo-header, header, payload) can be added before folding.
 */
public final class Checksums {

  private static final VarHandle INT_BE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

  private Checksums() {}

  /**
   * Adds the bytes {@code data[offset, offset+length)} as big-endian 16-bit words to {@code sum};
   * an odd last byte is padded with zero. Reads 32 bits at a time: since 2^16 = 1 modulo 2^16-1,
   * summing 32-bit words and folding gives the same one's complement sum.
   */
  public static long add(long sum, byte[] data, int offset, int length) {
    int i = offset;
    int end = offset + length;
    while (end - i >= 4) {
      sum += (int) INT_BE.get(data, i) & 0xffff_ffffL;
      i += 4;
    }
    if (end - i >= 2) {
      sum += (data[i] & 0xff) << 8 | data[i + 1] & 0xff;
      i += 2;
    }
    if (i < end) {
      sum += (data[i] & 0xff) << 8;
    }
    return sum;
  }

  /** Folds a sum to 16 bits (without complementing). */
  public static int fold(long sum) {
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return (int) sum;
  }

  /** The checksum to store: the complement of the folded sum. */
  public static int finish(long sum) {
    return ~fold(sum) & 0xffff;
  }

  /** Checksum of a byte range alone (e.g. an IPv4 header with its checksum field zeroed). */
  public static int of(byte[] data, int offset, int length) {
    return finish(add(0, data, offset, length));
  }

  /** The IPv4 pseudo-header (RFC 768 / RFC 793) sum: addresses, protocol and L4 length. */
  public static long ipv4PseudoHeader(int source, int destination, int protocol, int length) {
    return (source >>> 16)
        + (source & 0xffff)
        + (destination >>> 16)
        + (destination & 0xffff)
        + protocol
        + length;
  }

  /** The IPv6 pseudo-header (RFC 8200 section 8.1) sum. */
  public static long ipv6PseudoHeader(
      long sourceHigh,
      long sourceLow,
      long destinationHigh,
      long destinationLow,
      int protocol,
      int length) {
    return words(sourceHigh)
        + words(sourceLow)
        + words(destinationHigh)
        + words(destinationLow)
        + protocol
        + (length >>> 16)
        + (length & 0xffff);
  }

  private static long words(long v) {
    return (v >>> 48) + (v >>> 32 & 0xffff) + (v >>> 16 & 0xffff) + (v & 0xffff);
  }

  static void put16(byte[] data, int offset, int value) {
    data[offset] = (byte) (value >>> 8);
    data[offset + 1] = (byte) value;
  }
}
