package org.nsvpn.chainrules.net;

import org.nsvpn.chainrules.InvalidValueException;

/**
 * An address as configured on an interface or a router port: the address itself plus the prefix
 * length of its directly connected subnet ({@code 169.254.1.2/30}). Unlike {@link IpSubnet}, the
 * host bits are the point.
 */
public record InterfaceAddress(IpAddress address, int prefixLength) {
  private static final String FIELD = "interface address";

  public InterfaceAddress {
    if (address == null) {
      throw new InvalidValueException(FIELD, "null", "is required");
    }
    int max = address.family().bits();
    if (prefixLength < 0 || prefixLength > max) {
      throw new InvalidValueException(
          FIELD, address + "/" + prefixLength, "prefix length must be 0.." + max);
    }
  }

  /** Parses {@code address/prefix-length}; the prefix length is required. */
  public static InterfaceAddress parse(String text) {
    if (text == null) {
      throw new InvalidValueException(FIELD, "null", "is required");
    }
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw new InvalidValueException(FIELD, text, "missing '/prefix-length'");
    }
    IpAddress address;
    try {
      address = IpAddress.parse(text.substring(0, slash));
    } catch (InvalidValueException e) {
      throw new InvalidValueException(FIELD, text, e.reason());
    }
    int length = IpSubnet.parsePrefixLength(FIELD, text, slash, address.family().bits());
    return new InterfaceAddress(address, length);
  }

  /** The address as a single-host address: {@code a.b.c.d/32} or {@code x::y/128}. */
  public static InterfaceAddress host(IpAddress address) {
    return new InterfaceAddress(address, address.family().bits());
  }

  /** The directly connected subnet. */
  public IpSubnet subnet() {
    return IpSubnet.containing(address, prefixLength);
  }

  public IpFamily family() {
    return address.family();
  }

  @Override
  public String toString() {
    return address + "/" + prefixLength;
  }
}
