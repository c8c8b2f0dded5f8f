package org.nsvpn.simulator.packet;

/** IP protocol / IPv6 next-header numbers the codec understands (IANA assignments). */
public final class IpProtocol {
  public static final int ICMP = 1;
  public static final int TCP = 6;
  public static final int UDP = 17;
  public static final int ESP = 50;
  public static final int AH = 51;
  public static final int ICMPV6 = 58;

  /** IPv6 extension headers that the parser skips to find the upper-layer protocol. */
  public static final int IPV6_HOP_BY_HOP = 0;

  public static final int IPV6_ROUTING = 43;
  public static final int IPV6_FRAGMENT = 44;
  public static final int IPV6_NO_NEXT_HEADER = 59;
  public static final int IPV6_DESTINATION_OPTIONS = 60;
  public static final int IPV6_MOBILITY = 135;
  public static final int IPV6_HIP = 139;
  public static final int IPV6_SHIM6 = 140;

  private IpProtocol() {}

  /** True for the IPv6 extension headers the parser skips (AH included, ESP not: it is upper). */
  public static boolean isIpv6Extension(int nextHeader) {
    return switch (nextHeader) {
      case IPV6_HOP_BY_HOP,
          IPV6_ROUTING,
          IPV6_FRAGMENT,
          IPV6_DESTINATION_OPTIONS,
          AH,
          IPV6_MOBILITY,
          IPV6_HIP,
          IPV6_SHIM6 ->
          true;
      default -> false;
    };
  }
}
