package org.nsvpn.agentplugin.e2e;

import java.util.ArrayList;
import java.util.List;

/**
 * What crossed the internet segment, classified: ARP, IKE (UDP 500), NAT-T (UDP 4500), ESP, and
 * ICMP between public addresses are expected, over IPv4 (203.0.113.0/24) or IPv6 (2001:db8:ff::/64,
 * with neighbour discovery and multicast listener reports from link-local addresses); anything else
 * is a violation, above all any packet (or ICMP quotation of one) with a private or tenant address,
 * which would be leaked cleartext.
 *
 * @param ipv6 how many of the frames were IPv6
 */
record SegmentAudit(
    int frames, int arp, int ike, int natT, int esp, int icmp, int ipv6, List<String> violations) {

  /** The segment's IPv6 public prefix, 2001:db8:ff::/64: its first eight bytes. */
  private static final byte[] PUBLIC_V6 = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, (byte) 0xff, 0, 0};

  static SegmentAudit of(List<byte[]> frames) {
    Counts c = new Counts();
    for (byte[] f : frames) {
      int type = u16(f, 12);
      if (type == 0x0806) {
        c.arp++;
      } else if (type == 0x0800 && f.length >= 34) {
        ipv4(f, c);
      } else if (type == 0x86dd && f.length >= 54) {
        c.ipv6++;
        ipv6(f, c);
      } else {
        c.violations.add(String.format("ethertype 0x%04x, %d bytes", type, f.length));
      }
    }
    return new SegmentAudit(
        frames.size(), c.arp, c.ike, c.natT, c.esp, c.icmp, c.ipv6, c.violations);
  }

  private static final class Counts {
    int arp;
    int ike;
    int natT;
    int esp;
    int icmp;
    int ipv6;
    final List<String> violations = new ArrayList<>();

    void udp(String from, String to, int sport, int dport) {
      if (sport == 500 || dport == 500) {
        ike++;
      } else if (sport == 4500 || dport == 4500) {
        natT++;
      } else {
        violations.add("UDP " + from + " port " + sport + " -> " + to + " port " + dport);
      }
    }
  }

  private static void ipv4(byte[] f, Counts c) {
    int ihl = (f[14] & 0x0f) * 4;
    int proto = f[23] & 0xff;
    String src = ip(f, 26);
    String dst = ip(f, 30);
    if (!isPublic(f, 26) || !isPublic(f, 30)) {
      c.violations.add("IPv4 " + src + " -> " + dst + " proto " + proto + " from " + mac(f, 6));
      return;
    }
    int l4 = 14 + ihl;
    switch (proto) {
      case 50 -> c.esp++;
      case 17 -> c.udp(src, dst, u16(f, l4), u16(f, l4 + 2));
      case 1 -> {
        int icmpType = f[l4] & 0xff;
        int inner = l4 + 8;
        boolean quotes = icmpType == 3 || icmpType == 11 || icmpType == 12;
        if (quotes
            && f.length >= inner + 20
            && (!isPublic(f, inner + 12) || !isPublic(f, inner + 16))) {
          c.violations.add(
              "ICMP "
                  + src
                  + " -> "
                  + dst
                  + " quoting "
                  + ip(f, inner + 12)
                  + " -> "
                  + ip(f, inner + 16));
        } else {
          c.icmp++;
        }
      }
      default -> c.violations.add("IPv4 " + src + " -> " + dst + " proto " + proto);
    }
  }

  private static void ipv6(byte[] f, Counts c) {
    int next = f[20] & 0xff;
    int l4 = 54;
    String src = ip6(f, 22);
    String dst = ip6(f, 38);
    if (!isPublicV6(f, 22, true) || !isPublicV6(f, 38, true)) {
      c.violations.add(
          "IPv6 " + src + " -> " + dst + " next header " + next + " from " + mac(f, 6));
      return;
    }
    if (next == 0 && f.length >= l4 + 8) {
      // Hop-by-hop options (multicast listener reports carry router alert): skip them.
      next = f[l4] & 0xff;
      l4 += ((f[l4 + 1] & 0xff) + 1) * 8;
    }
    switch (next) {
      case 50 -> c.esp++;
      case 17 -> c.udp(src, dst, u16(f, l4), u16(f, l4 + 2));
      case 58 -> {
        int icmpType = f[l4] & 0xff;
        int inner = l4 + 8;
        boolean quotes = icmpType >= 1 && icmpType <= 4;
        if (quotes
            && f.length >= inner + 40
            && (!isPublicV6(f, inner + 8, false) || !isPublicV6(f, inner + 24, false))) {
          c.violations.add(
              "ICMPv6 "
                  + src
                  + " -> "
                  + dst
                  + " quoting "
                  + ip6(f, inner + 8)
                  + " -> "
                  + ip6(f, inner + 24));
        } else {
          c.icmp++;
        }
      }
      default -> c.violations.add("IPv6 " + src + " -> " + dst + " next header " + next);
    }
  }

  /** 203.0.113.0/24, the segment's (documentation) public addresses. */
  private static boolean isPublic(byte[] f, int at) {
    return (f[at] & 0xff) == 203 && (f[at + 1] & 0xff) == 0 && (f[at + 2] & 0xff) == 113;
  }

  /**
   * In 2001:db8:ff::/64; with {@code linkScope} also link-local (fe80::/10), multicast (ff00::/8)
   * or unspecified (::), which neighbour discovery and listener reports use on the segment.
   */
  private static boolean isPublicV6(byte[] f, int at, boolean linkScope) {
    if (java.util.Arrays.equals(f, at, at + 8, PUBLIC_V6, 0, 8)) {
      return true;
    }
    if (!linkScope) {
      return false;
    }
    int first = f[at] & 0xff;
    boolean unspecified = java.util.Arrays.equals(f, at, at + 16, new byte[16], 0, 16);
    return unspecified || first == 0xff || (first == 0xfe && (f[at + 1] & 0xc0) == 0x80);
  }

  private static String ip6(byte[] f, int at) {
    try {
      return java.net.InetAddress.getByAddress(java.util.Arrays.copyOfRange(f, at, at + 16))
          .getHostAddress();
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String mac(byte[] f, int at) {
    return java.util.HexFormat.ofDelimiter(":").formatHex(f, at, at + 6);
  }

  private static int u16(byte[] f, int at) {
    return (f[at] & 0xff) << 8 | (f[at + 1] & 0xff);
  }

  private static String ip(byte[] f, int at) {
    return (f[at] & 0xff)
        + "."
        + (f[at + 1] & 0xff)
        + "."
        + (f[at + 2] & 0xff)
        + "."
        + (f[at + 3] & 0xff);
  }
}
