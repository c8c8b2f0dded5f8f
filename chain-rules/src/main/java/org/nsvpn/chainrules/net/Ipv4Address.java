package org.nsvpn.chainrules.net;

import org.nsvpn.chainrules.InvalidValueException;

/**
 * An IPv4 address, held as its 32 bits (network order, most significant octet first).
 *
 * <p>Text is dotted-quad only: four decimal octets 0..255 without leading zeros ({@code 010} is
 * refused because some tools read it as octal), no shorthand forms such as {@code 10.1}.
 */
public record Ipv4Address(int bits) implements IpAddress {
  private static final String FIELD = "IPv4 address";

  public static final Ipv4Address ANY = new Ipv4Address(0);

  /** Builds {@code a.b.c.d}; each octet must be 0..255. */
  public static Ipv4Address of(int a, int b, int c, int d) {
    for (int octet : new int[] {a, b, c, d}) {
      if (octet < 0 || octet > 255) {
        throw new InvalidValueException(
            FIELD, a + "." + b + "." + c + "." + d, "octets must be 0..255");
      }
    }
    return new Ipv4Address(a << 24 | b << 16 | c << 8 | d);
  }

  /** Parses dotted-quad text; see the class comment for what is accepted. */
  public static Ipv4Address parse(String text) {
    if (text == null) {
      throw new InvalidValueException(FIELD, "null", "is required");
    }
    long bits = parseBits(text, 0, text.length());
    if (bits < 0) {
      throw new InvalidValueException(
          FIELD, text, "expected four decimal octets 0..255, as a.b.c.d");
    }
    return new Ipv4Address((int) bits);
  }

  /**
   * Parses {@code text[from, to)} as a dotted quad. Returns the 32 bits as an unsigned value, or -1
   * when malformed. Shared with the IPv6 parser for an embedded IPv4 tail.
   */
  static long parseBits(String text, int from, int to) {
    long result = 0;
    int octets = 0;
    int i = from;
    while (i <= to) {
      int start = i;
      int value = 0;
      while (i < to && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
        value = value * 10 + (text.charAt(i) - '0');
        i++;
        if (i - start > 3) {
          return -1;
        }
      }
      int digits = i - start;
      if (digits == 0 || value > 255 || (digits > 1 && text.charAt(start) == '0')) {
        return -1;
      }
      result = result << 8 | value;
      octets++;
      if (i == to) {
        break;
      }
      if (text.charAt(i) != '.' || octets == 4) {
        return -1;
      }
      i++;
    }
    return octets == 4 ? result : -1;
  }

  /** Builds an address from exactly four network-order bytes. */
  public static Ipv4Address fromBytes(byte[] bytes) {
    if (bytes == null || bytes.length != 4) {
      throw new InvalidValueException(
          FIELD, bytes == null ? "null" : bytes.length + " bytes", "needs exactly 4 bytes");
    }
    return new Ipv4Address(
        (bytes[0] & 0xff) << 24
            | (bytes[1] & 0xff) << 16
            | (bytes[2] & 0xff) << 8
            | bytes[3] & 0xff);
  }

  @Override
  public IpFamily family() {
    return IpFamily.IPV4;
  }

  @Override
  public byte[] toBytes() {
    return new byte[] {
      (byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits
    };
  }

  /** The address {@code delta} further on, wrapping modulo 2^32. */
  public Ipv4Address plus(int delta) {
    return new Ipv4Address(bits + delta);
  }

  /** True for 169.254.0.0/16 (RFC 3927 link-local). */
  public boolean isLinkLocal() {
    return (bits >>> 16) == 0xa9fe;
  }

  /** True for 224.0.0.0/4. */
  public boolean isMulticast() {
    return (bits >>> 28) == 0xe;
  }

  @Override
  public String toString() {
    return (bits >>> 24)
        + "."
        + (bits >>> 16 & 0xff)
        + "."
        + (bits >>> 8 & 0xff)
        + "."
        + (bits & 0xff);
  }
}
