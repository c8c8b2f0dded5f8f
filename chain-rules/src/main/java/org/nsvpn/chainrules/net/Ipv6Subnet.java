package org.nsvpn.chainrules.net;

import org.nsvpn.chainrules.InvalidValueException;

/** An IPv6 prefix. See {@link IpSubnet} for the host-bits rule. */
public record Ipv6Subnet(Ipv6Address address, int prefixLength) implements IpSubnet {
  private static final String FIELD = "IPv6 subnet";

  /** ::/0. */
  public static final Ipv6Subnet ANY = new Ipv6Subnet(Ipv6Address.ANY, 0);

  public Ipv6Subnet {
    if (address == null) {
      throw new InvalidValueException(FIELD, "null", "is required");
    }
    if (prefixLength < 0 || prefixLength > 128) {
      throw new InvalidValueException(
          FIELD, address + "/" + prefixLength, "prefix length must be 0..128");
    }
    if ((address.high() & ~highMask(prefixLength)) != 0
        || (address.low() & ~lowMask(prefixLength)) != 0) {
      Ipv6Address network =
          new Ipv6Address(
              address.high() & highMask(prefixLength), address.low() & lowMask(prefixLength));
      throw new InvalidValueException(
          FIELD,
          address + "/" + prefixLength,
          "host bits are set; the network is " + network + "/" + prefixLength);
    }
  }

  /** Parses {@code address/n}. */
  public static Ipv6Subnet parse(String text) {
    if (text == null) {
      throw new InvalidValueException(FIELD, "null", "is required");
    }
    int slash = text.indexOf('/');
    int length = IpSubnet.parsePrefixLength(FIELD, text, slash, 128);
    Ipv6Address address;
    try {
      address = Ipv6Address.parse(text.substring(0, slash));
    } catch (InvalidValueException e) {
      throw new InvalidValueException(FIELD, text, e.reason());
    }
    return new Ipv6Subnet(address, length);
  }

  /** The prefix of the given length containing {@code ip}. */
  public static Ipv6Subnet containing(Ipv6Address ip, int prefixLength) {
    if (prefixLength < 0 || prefixLength > 128) {
      throw new InvalidValueException(
          FIELD, ip + "/" + prefixLength, "prefix length must be 0..128");
    }
    return new Ipv6Subnet(
        new Ipv6Address(ip.high() & highMask(prefixLength), ip.low() & lowMask(prefixLength)),
        prefixLength);
  }

  /** Mask for the first 64 bits of an address under this prefix length. */
  public static long highMask(int prefixLength) {
    if (prefixLength >= 64) {
      return -1L;
    }
    return prefixLength == 0 ? 0 : -1L << (64 - prefixLength);
  }

  /** Mask for the last 64 bits of an address under this prefix length. */
  public static long lowMask(int prefixLength) {
    if (prefixLength <= 64) {
      return 0;
    }
    return -1L << (128 - prefixLength);
  }

  @Override
  public boolean contains(IpAddress ip) {
    return ip instanceof Ipv6Address v6
        && ((v6.high() ^ address.high()) & highMask(prefixLength)) == 0
        && ((v6.low() ^ address.low()) & lowMask(prefixLength)) == 0;
  }

  @Override
  public String toString() {
    return address + "/" + prefixLength;
  }
}
