package org.nsvpn.chainrules.net;

import org.nsvpn.chainrules.InvalidValueException;

/**
 * A network prefix: an address whose bits beyond {@link #prefixLength()} are all zero. A subnet
 * with host bits set ({@code 10.0.0.1/24}) is refused rather than silently masked, because it
 * usually means a typo; {@link InterfaceAddress} is the value for "address plus prefix" on a port.
 */
public sealed interface IpSubnet permits Ipv4Subnet, Ipv6Subnet {

  /** The network address (host bits zero). */
  IpAddress address();

  int prefixLength();

  default IpFamily family() {
    return address().family();
  }

  /** True when {@code ip} is of this family and inside this prefix. */
  boolean contains(IpAddress ip);

  /** True when every address of {@code other} is inside this prefix. */
  default boolean contains(IpSubnet other) {
    return other.family() == family()
        && other.prefixLength() >= prefixLength()
        && contains(other.address());
  }

  /** True when the two prefixes share at least one address. */
  default boolean overlaps(IpSubnet other) {
    return contains(other) || other.contains(this);
  }

  /**
   * Parses {@code address/prefix-length} in either family. The prefix length is required.
   *
   * @throws InvalidValueException naming field {@code subnet}
   */
  static IpSubnet parse(String text) {
    if (text != null && text.indexOf(':') >= 0) {
      return Ipv6Subnet.parse(text);
    }
    return Ipv4Subnet.parse(text);
  }

  /** The prefix of length {@code prefixLength} that contains {@code ip} (host bits cleared). */
  static IpSubnet containing(IpAddress ip, int prefixLength) {
    if (ip instanceof Ipv4Address v4) {
      return Ipv4Subnet.containing(v4, prefixLength);
    }
    return Ipv6Subnet.containing((Ipv6Address) ip, prefixLength);
  }

  /** The /32 or /128 prefix holding exactly {@code ip}. */
  static IpSubnet host(IpAddress ip) {
    return containing(ip, ip.family().bits());
  }

  /** Splits {@code a/b} and checks the prefix length; returns the length. */
  static int parsePrefixLength(String field, String text, int slash, int max) {
    if (slash < 0) {
      throw new InvalidValueException(field, text, "missing '/prefix-length'");
    }
    String digits = text.substring(slash + 1);
    if (digits.isEmpty()
        || digits.length() > 3
        || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new InvalidValueException(field, text, "prefix length must be a number 0.." + max);
    }
    int length = Integer.parseInt(digits);
    if (length > max) {
      throw new InvalidValueException(field, text, "prefix length must be 0.." + max);
    }
    return length;
  }
}
