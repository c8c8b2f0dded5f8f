package org.nsvpn.chainrules.net;

import org.nsvpn.chainrules.InvalidValueException;

/** An IPv4 or IPv6 address. Implementations are immutable records; equality is by value. */
public sealed interface IpAddress extends Comparable<IpAddress> permits Ipv4Address, Ipv6Address {

  IpFamily family();

  /** The address in network byte order (4 or 16 bytes, a fresh array). */
  byte[] toBytes();

  /**
   * Parses either family: text containing a colon is IPv6, anything else IPv4.
   *
   * @throws InvalidValueException naming field {@code address} when the text is not an address
   */
  static IpAddress parse(String text) {
    if (text != null && text.indexOf(':') >= 0) {
      return Ipv6Address.parse(text);
    }
    return Ipv4Address.parse(text);
  }

  /** Builds an address from 4 or 16 network-order bytes. */
  static IpAddress fromBytes(byte[] bytes) {
    if (bytes != null && bytes.length == 16) {
      return Ipv6Address.fromBytes(bytes);
    }
    return Ipv4Address.fromBytes(bytes);
  }

  /** IPv4 sorts before IPv6; within a family addresses sort as unsigned numbers. */
  @Override
  default int compareTo(IpAddress other) {
    if (this instanceof Ipv4Address a && other instanceof Ipv4Address b) {
      return Integer.compareUnsigned(a.bits(), b.bits());
    }
    if (this instanceof Ipv6Address a && other instanceof Ipv6Address b) {
      int c = Long.compareUnsigned(a.high(), b.high());
      return c != 0 ? c : Long.compareUnsigned(a.low(), b.low());
    }
    return family().compareTo(other.family());
  }
}
