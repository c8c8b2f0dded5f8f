package org.nsvpn.strongswan;

import org.nsvpn.namespacemanager.testing.Ip;

/** The two-namespace lab of the tunnel ITs: a side's addresses and protected subnets. */
final class TunnelLab {
  private TunnelLab() {}

  /**
   * The lab: network namespaces {@code nsA} and {@code nsB} (created here; the caller registers
   * them for clean-up first) joined by a veth pair named {@code wan} at both ends, site 1 at {@code
   * addressA} and site 2 at {@code addressB}, each with {@code subnets} protected subnets.
   */
  static void build(String nsA, String addressA, String nsB, String addressB, int subnets) {
    Ip.ip("netns", "add", nsA);
    Ip.ip("netns", "add", nsB);
    Ip.ip("link", "add", "wan", "netns", nsA, "type", "veth", "peer", "name", "wan", "netns", nsB);
    side(nsA, addressA, 1, subnets);
    side(nsB, addressB, 2, subnets);
  }

  /**
   * From site 1's first protected subnet (10.1.1.1) in {@code nsA} to site 2's (10.2.1.1): {@code
   * count} echo requests of {@code size} bytes 0.2 s apart, 5 s timeout each; only through the
   * tunnel, as the lab routes neither subnet.
   */
  static Ip.Result ping(String nsA, int count, int size) {
    return Ip.exec(
        "ip",
        "netns",
        "exec",
        nsA,
        "ping",
        "-n",
        "-q",
        "-c",
        Integer.toString(count),
        "-i",
        "0.2",
        "-W",
        "5",
        "-s",
        Integer.toString(size),
        "-I",
        "10.1.1.1",
        "10.2.1.1");
  }

  /**
   * One side: {@code address}/24 on the veth end {@code wan}, and {@code subnets} protected subnets
   * 10.SITE.N.1/24 (N = 1..subnets) on an interface of their own.
   */
  private static void side(String namespace, String address, int site, int subnets) {
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
