package org.nsvpn.ovsdb.ipsec;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Value checks of the IPsec tables. Addresses are parsed by hand, strictly (dotted quads without
 * leading zeros, RFC 4291 IPv6 text without zone ids), never with {@code InetAddress}, which may
 * resolve names.
 */
final class Checks {
  private static final Pattern HOST_LABEL =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern POLICY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

  private Checks() {}

  /** A policy (connection) name: 1-63 of letters, digits, '_', '.', '-', starting alphanumeric. */
  static String policyName(String field, String value) {
    if (value == null || !POLICY_NAME.matcher(value).matches()) {
      throw new InvalidIpsecValueException(
          field,
          value,
          "must be 1-63 letters, digits, '_', '.', '-', starting with a letter or digit");
    }
    return value;
  }

  /** Free text (an id, a proposal, a status word): non-empty, no control characters. */
  static String text(String field, String value, int maxLength) {
    if (value == null || value.isEmpty()) {
      throw new InvalidIpsecValueException(field, String.valueOf(value), "must not be empty");
    }
    if (value.length() > maxLength) {
      throw new InvalidIpsecValueException(
          field, value, "must be at most " + maxLength + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new InvalidIpsecValueException(field, value, "must not contain control characters");
      }
    }
    return value;
  }

  /** {@code min <= value <= max}. */
  static long range(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw new InvalidIpsecValueException(field, value, "must be in " + min + ".." + max);
    }
    return value;
  }

  /** An IP address literal of either family; returns its family. */
  static IpFamily address(String field, String value) {
    Optional<IpFamily> family = familyOf(value);
    if (family.isEmpty()) {
      throw new InvalidIpsecValueException(field, value, "is not an IPv4 or IPv6 address");
    }
    return family.get();
  }

  /** An IP address literal of {@code family}. */
  static String address(String field, String value, IpFamily family) {
    IpFamily actual = address(field, value);
    if (actual != family) {
      throw new InvalidIpsecValueException(
          field, value, "is an " + actual.text() + " address, expected " + family.text());
    }
    return value;
  }

  /** An IP address literal or a DNS host name (RFC 1123). */
  static String addressOrHost(String field, String value) {
    if (familyOf(value).isPresent()) {
      return value;
    }
    if (value == null || value.isEmpty() || value.length() > 253 || value.endsWith(".")) {
      throw new InvalidIpsecValueException(
          field, String.valueOf(value), "is neither an IP address nor a host name");
    }
    for (String label : value.split("\\.", -1)) {
      if (!HOST_LABEL.matcher(label).matches()) {
        throw new InvalidIpsecValueException(
            field, value, "is neither an IP address nor a host name");
      }
    }
    if (value.matches("[0-9.]+")) {
      throw new InvalidIpsecValueException(field, value, "is not a valid IPv4 address");
    }
    return value;
  }

  /** A prefix: address of {@code family}, mask within the family's length, no host bits set. */
  static void prefix(String field, String address, long mask, IpFamily family) {
    address(field, address, family);
    int bits = family == IpFamily.IPV4 ? 32 : 128;
    if (mask < 0 || mask > bits) {
      throw new InvalidIpsecValueException(
          field + "_mask", mask, "must be in 0.." + bits + " for " + family.text());
    }
    byte[] bytes = parse(address).orElseThrow();
    for (int bit = (int) mask; bit < bits; bit++) {
      if ((bytes[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
        throw new InvalidIpsecValueException(
            field, address + "/" + mask, "has host bits set beyond the mask");
      }
    }
  }

  /** The family of an address literal, or empty when {@code text} is not one. */
  static Optional<IpFamily> familyOf(String text) {
    if (text == null) {
      return Optional.empty();
    }
    return parse(text).map(b -> b.length == 4 ? IpFamily.IPV4 : IpFamily.IPV6);
  }

  /** The bytes of an address literal (4 or 16), or empty. */
  static Optional<byte[]> parse(String text) {
    if (text.indexOf(':') >= 0) {
      return parseV6(text);
    }
    return parseV4(text);
  }

  private static Optional<byte[]> parseV4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return Optional.empty();
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
        return Optional.empty();
      }
      int v = 0;
      for (int j = 0; j < p.length(); j++) {
        char c = p.charAt(j);
        if (c < '0' || c > '9') {
          return Optional.empty();
        }
        v = v * 10 + (c - '0');
      }
      if (v > 255) {
        return Optional.empty();
      }
      out[i] = (byte) v;
    }
    return Optional.of(out);
  }

  private static Optional<byte[]> parseV6(String text) {
    int doubleColon = text.indexOf("::");
    if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
      return Optional.empty();
    }
    String head = doubleColon >= 0 ? text.substring(0, doubleColon) : text;
    String tail = doubleColon >= 0 ? text.substring(doubleColon + 2) : "";
    int[] headGroups = new int[8];
    int[] tailGroups = new int[8];
    int nHead = groups(head, headGroups, doubleColon < 0);
    int nTail = doubleColon >= 0 ? groups(tail, tailGroups, true) : 0;
    if (nHead < 0 || nTail < 0) {
      return Optional.empty();
    }
    int total = nHead + nTail;
    if (doubleColon >= 0 ? total > 7 : total != 8) {
      return Optional.empty();
    }
    byte[] out = new byte[16];
    for (int i = 0; i < nHead; i++) {
      out[2 * i] = (byte) (headGroups[i] >>> 8);
      out[2 * i + 1] = (byte) headGroups[i];
    }
    for (int i = 0; i < nTail; i++) {
      int g = 8 - nTail + i;
      out[2 * g] = (byte) (tailGroups[i] >>> 8);
      out[2 * g + 1] = (byte) tailGroups[i];
    }
    return Optional.of(out);
  }

  /**
   * Parses colon-separated 16-bit groups into {@code out}; a trailing dotted quad (allowed when
   * {@code last}) counts as two groups. Returns the group count, or -1 when malformed.
   */
  private static int groups(String text, int[] out, boolean last) {
    if (text.isEmpty()) {
      return 0;
    }
    String[] parts = text.split(":", -1);
    int n = 0;
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (last && i == parts.length - 1 && p.indexOf('.') >= 0) {
        Optional<byte[]> v4 = parseV4(p);
        if (v4.isEmpty() || n + 2 > 8) {
          return -1;
        }
        byte[] b = v4.get();
        out[n++] = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
        out[n++] = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        continue;
      }
      if (p.isEmpty() || p.length() > 4 || n >= 8) {
        return -1;
      }
      int v = 0;
      for (int j = 0; j < p.length(); j++) {
        int d = Character.digit(p.charAt(j), 16);
        if (d < 0) {
          return -1;
        }
        v = (v << 4) | d;
      }
      out[n++] = v;
    }
    return n;
  }
}
