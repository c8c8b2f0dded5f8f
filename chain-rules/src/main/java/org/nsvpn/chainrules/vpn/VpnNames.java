package org.nsvpn.chainrules.vpn;

import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.VpnServiceId;

/**
 * Kernel-visible names of a VPN service's namespace, and the names of its connections inside
 * charon, derived from ids alone (never from operator-chosen names, which could collide or carry
 * characters a path must not hold, and change on a rename).
 *
 * <p>Interface names have 15 characters at most (Linux IFNAMSIZ is 16 with the terminator), so they
 * carry the first 10 hex digits (40 bits) of the id; the namespace name carries all 32.
 */
public final class VpnNames {
  private static final int IFNAME_ID_DIGITS = 10;

  private VpnNames() {}

  /** The network namespace, e.g. {@code vpn-c99b23dea9d04b5c8f5e6a7b8c9d0e1f}. */
  public static String namespace(VpnServiceId service) {
    return "vpn-" + service.hex();
  }

  /** The interface inside the namespace, e.g. {@code vpnc99b23dea9ns}. */
  public static String namespaceInterface(VpnServiceId service) {
    return "vpn" + service.hex().substring(0, IFNAME_ID_DIGITS) + "ns";
  }

  /**
   * The name of a connection's IKE config, child config and shared key inside charon, e.g. {@code
   * nsvpn-7d0e...}: what {@code swanctl --list-sas} shows.
   */
  public static String charonConnection(IpsecSiteConnectionId connection) {
    return "nsvpn-" + connection.hex();
  }

  /** The host-side end of the veth pair, bound to the router's namespace port: {@code vpn...dp}. */
  public static String hostInterface(VpnServiceId service) {
    return "vpn" + service.hex().substring(0, IFNAME_ID_DIGITS) + "dp";
  }
}
