package org.nsvpn.strongswan;

import org.nsvpn.namespacemanager.testing.Ip;

/** The two-namespace lab of the tunnel ITs: a side's addresses and protected subnets. */
final class TunnelLab {
  private TunnelLab() {}

  /**
   * One side: {@code address}/24 on the veth end {@code wan}, and {@code subnets} protected subnets
   * 10.SITE.N.1/24 (N = 1..subnets) on an interface of their own.
   */
  static void side(String namespace, String address, int site, int subnets) {
    Ip.ip("-n", namespace, "link", "set", "lo", "up");
    Ip.ip("-n", namespace, "addr", "add", address + "/24", "dev", "wan");
    Ip.ip("-n", namespace, "link", "set", "wan", "up");
    // This kernel has no dummy interfaces; a veth pair inside the namespace serves.
    Ip.ip("-n", namespace, "link", "add", "lan", "type", "veth", "peer", "name", "lan-end");
    Ip.ip("-n", namespace, "link", "set", "lan-end", "up");
    for (int n = 1; n <= subnets; n++) {
      Ip.ip("-n", namespace, "addr", "add", "10." + site + "." + n + ".1/24", "dev", "lan");
    }
    Ip.ip("-n", namespace, "link", "set", "lan", "up");
  }
}
