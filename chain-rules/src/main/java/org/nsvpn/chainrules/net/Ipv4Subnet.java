package org.nsvpn.chainrules.net;

import org.nsvpn.chainrules.InvalidValueException;

/** An IPv4 prefix. See {@link IpSubnet} for the host-bits rule. */
public record Ipv4Subnet(Ipv4Address address, int prefixLength) implements IpSubnet {
  private static final String FIELD = "IPv4 subnet";

  /** 0.0.0.0/0. */
  public static final Ipv4Subnet ANY = new Ipv4Subnet(Ipv4Address.ANY, 0);

  public Ipv4Subnet {
    if (address == null) {
      throw new InvalidValueException(FIELD, "null", "is required");
    }
    if (prefixLength < 0 || prefixLength > 32) {
      throw new InvalidValueException(
          FIELD, address + "/" + prefixLength, "prefix length must be 0..32");
    }
    if ((address.bits() & ~mask(prefixLength)) != 0) {
      throw new InvalidValueException(
          FIELD,
          address + "/" + prefixLength,
          "host bits are set; the network is "
              + new Ipv4Address(address.bits() & mask(prefixLength))
              + "/"
              + prefixLength);
    }
  }

  /** Parses {@code a.b.c.d/n}. */
  public static Ipv4Subnet parse(String text) {
    if (text == null) {
      throw new InvalidValueException(FIELD, "null", "is required");
    }
    int slash = text.indexOf('/');
    int length = IpSubnet.parsePrefixLength(FIELD, text, slash, 32);
    Ipv4Address address;
    try {
      address = Ipv4Address.parse(text.substring(0, slash));
    } catch (InvalidValueException e) {
      throw new InvalidValueException(FIELD, text, e.reason());
    }
    return new Ipv4Subnet(address, length);
  }

  /** The prefix of the given length containing {@code ip}. */
  public static Ipv4Subnet containing(Ipv4Address ip, int prefixLength) {
    if (prefixLength < 0 || prefixLength > 32) {
      throw new InvalidValueException(
          FIELD, ip + "/" + prefixLength, "prefix length must be 0..32");
    }
    return new Ipv4Subnet(new Ipv4Address(ip.bits() & mask(prefixLength)), prefixLength);
  }

  /** The netmask of a prefix length as bits: 24 gives 0xffffff00. */
  public static int mask(int prefixLength) {
    return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
  }

  @Override
  public boolean contains(IpAddress ip) {
    return ip instanceof Ipv4Address v4 && contains(v4.bits());
  }

  /** Hot-path form of {@link #contains(IpAddress)}. */
  public boolean contains(int addressBits) {
    return ((addressBits ^ address.bits()) & mask(prefixLength)) == 0;
  }

  /** The last address of the prefix (the broadcast address for subnets shorter than /31). */
  public Ipv4Address lastAddress() {
    return new Ipv4Address(address.bits() | ~mask(prefixLength));
  }

  /** Number of addresses in the prefix. */
  public long size() {
    return 1L << (32 - prefixLength);
  }

  @Override
  public String toString() {
    return address + "/" + prefixLength;
  }
}
