package org.nsvpn.chainrules.net;

import org.nsvpn.chainrules.InvalidValueException;

/**
 * An IPv6 address, held as two 64-bit halves ({@code high} holds the first eight bytes).
 *
 * <p>Parsing accepts RFC 4291 text: eight groups of 1-4 hex digits, one {@code ::} standing for one
 * or more zero groups, and an optional dotted-quad IPv4 tail. Zone ids ({@code %eth0}) are refused:
 * nothing in the topology is scoped to one interface. {@link #toString()} is RFC 5952 canonical.
 */
public record Ipv6Address(long high, long low) implements IpAddress {
  private static final String FIELD = "IPv6 address";

  public static final Ipv6Address ANY = new Ipv6Address(0, 0);

  /** Parses RFC 4291 text; see the class comment for what is accepted. */
  public static Ipv6Address parse(String text) {
    if (text == null) {
      throw new InvalidValueException(FIELD, "null", "is required");
    }
    if (text.indexOf('%') >= 0) {
      throw new InvalidValueException(FIELD, text, "zone ids (%...) are not supported");
    }
    int[] groups = new int[8];
    int count = 0;
    int gap = -1; // index in groups where "::" stands
    int length = text.length();
    int i = 0;
    if (text.startsWith("::")) {
      gap = 0;
      i = 2;
    } else if (text.startsWith(":")) {
      throw malformed(text, "a single leading ':'");
    }
    while (i < length) {
      if (count == 8) {
        throw malformed(text, "more than 8 groups");
      }
      int start = i;
      int value = 0;
      while (i < length && hexValue(text.charAt(i)) >= 0 && i - start < 5) {
        value = value << 4 | hexValue(text.charAt(i));
        i++;
      }
      if (i < length && text.charAt(i) == '.') {
        long v4 = Ipv4Address.parseBits(text, start, length);
        if (v4 < 0 || count > 6) {
          throw malformed(text, "a bad embedded IPv4 part");
        }
        groups[count++] = (int) (v4 >>> 16);
        groups[count++] = (int) (v4 & 0xffff);
        i = length;
        break;
      }
      int digits = i - start;
      if (digits == 0 || digits > 4) {
        throw malformed(text, digits == 0 ? "an empty group" : "a group of more than 4 hex digits");
      }
      groups[count++] = value;
      if (i == length) {
        break;
      }
      if (text.charAt(i) != ':') {
        throw malformed(text, "unexpected character '" + text.charAt(i) + "'");
      }
      i++;
      if (i < length && text.charAt(i) == ':') {
        if (gap >= 0) {
          throw malformed(text, "more than one '::'");
        }
        gap = count;
        i++;
      } else if (i == length) {
        throw malformed(text, "a trailing single ':'");
      }
    }
    if (gap < 0 && count != 8) {
      throw malformed(text, "expected 8 groups, found " + count);
    }
    if (gap >= 0 && count > 7) {
      throw malformed(text, "'::' must stand for at least one group");
    }
    long high = 0;
    long low = 0;
    int zeros = 8 - count;
    for (int g = 0, src = 0; g < 8; g++) {
      int value;
      if (gap >= 0 && g >= gap && g < gap + zeros) {
        value = 0;
      } else {
        value = groups[src++];
      }
      if (g < 4) {
        high = high << 16 | value;
      } else {
        low = low << 16 | value;
      }
    }
    return new Ipv6Address(high, low);
  }

  /** ASCII hex digits only: {@link Character#digit} would also accept non-ASCII digits. */
  static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static InvalidValueException malformed(String text, String what) {
    return new InvalidValueException(FIELD, text, "not an IPv6 address: " + what);
  }

  /** Builds an address from exactly 16 network-order bytes. */
  public static Ipv6Address fromBytes(byte[] bytes) {
    if (bytes == null || bytes.length != 16) {
      throw new InvalidValueException(
          FIELD, bytes == null ? "null" : bytes.length + " bytes", "needs exactly 16 bytes");
    }
    long high = 0;
    long low = 0;
    for (int i = 0; i < 8; i++) {
      high = high << 8 | (bytes[i] & 0xff);
      low = low << 8 | (bytes[i + 8] & 0xff);
    }
    return new Ipv6Address(high, low);
  }

  @Override
  public IpFamily family() {
    return IpFamily.IPV6;
  }

  @Override
  public byte[] toBytes() {
    byte[] out = new byte[16];
    for (int i = 0; i < 8; i++) {
      out[i] = (byte) (high >>> (56 - 8 * i));
      out[i + 8] = (byte) (low >>> (56 - 8 * i));
    }
    return out;
  }

  /** The 16-bit group at index 0..7. */
  public int group(int index) {
    long half = index < 4 ? high : low;
    return (int) (half >>> (48 - 16 * (index & 3))) & 0xffff;
  }

  /** True for fe80::/10. */
  public boolean isLinkLocal() {
    return (high >>> 54) == 0x3fa;
  }

  /** True for ff00::/8. */
  public boolean isMulticast() {
    return (high >>> 56) == 0xff;
  }

  /** RFC 5952: lower-case, no leading zeros, the longest run (2+) of zero groups as "::". */
  @Override
  public String toString() {
    if (high == 0 && (low >>> 32) == 0xffffL) {
      return "::ffff:" + new Ipv4Address((int) low);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int g = 0; g < 8; ) {
      if (group(g) != 0) {
        g++;
        continue;
      }
      int start = g;
      while (g < 8 && group(g) == 0) {
        g++;
      }
      if (g - start > bestLength) {
        bestStart = start;
        bestLength = g - start;
      }
    }
    StringBuilder out = new StringBuilder(39);
    for (int g = 0; g < 8; g++) {
      if (g == bestStart) {
        out.append("::");
        g += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(group(g)));
    }
    return out.toString();
  }
}
