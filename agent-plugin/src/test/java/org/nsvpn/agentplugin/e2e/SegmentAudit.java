package org.nsvpn.agentplugin.e2e;

import java.util.ArrayList;
import java.util.List;

/**
 * What crossed the internet segment, classified: ARP, IKE (UDP 500), NAT-T (UDP 4500), ESP, and
 * ICMP between public addresses are expected; anything else is a violation, above all any packet
 * (or ICMP quotation of one) with a private address, which would be leaked cleartext.
 */
record SegmentAudit(
    int frames, int arp, int ike, int natT, int esp, int icmp, List<String> violations) {

  static SegmentAudit of(List<byte[]> frames) {
    int arp = 0;
    int ike = 0;
    int natT = 0;
    int esp = 0;
    int icmp = 0;
    List<String> violations = new ArrayList<>();
    for (byte[] f : frames) {
      int type = u16(f, 12);
      if (type == 0x0806) {
        arp++;
        continue;
      }
      if (type != 0x0800 || f.length < 34) {
        violations.add(String.format("ethertype 0x%04x, %d bytes", type, f.length));
        continue;
      }
      int ihl = (f[14] & 0x0f) * 4;
      int proto = f[23] & 0xff;
      String src = ip(f, 26);
      String dst = ip(f, 30);
      if (!isPublic(f, 26) || !isPublic(f, 30)) {
        violations.add("IPv4 " + src + " -> " + dst + " proto " + proto + " from " + mac(f, 6));
        continue;
      }
      int l4 = 14 + ihl;
      switch (proto) {
        case 50 -> esp++;
        case 17 -> {
          int sport = u16(f, l4);
          int dport = u16(f, l4 + 2);
          if (sport == 500 || dport == 500) {
            ike++;
          } else if (sport == 4500 || dport == 4500) {
            natT++;
          } else {
            violations.add("UDP " + src + ":" + sport + " -> " + dst + ":" + dport);
          }
        }
        case 1 -> {
          int icmpType = f[l4] & 0xff;
          int inner = l4 + 8;
          boolean quotes = icmpType == 3 || icmpType == 11 || icmpType == 12;
          if (quotes
              && f.length >= inner + 20
              && (!isPublic(f, inner + 12) || !isPublic(f, inner + 16))) {
            violations.add(
                "ICMP "
                    + src
                    + " -> "
                    + dst
                    + " quoting "
                    + ip(f, inner + 12)
                    + " -> "
                    + ip(f, inner + 16));
          } else {
            icmp++;
          }
        }
        default -> violations.add("IPv4 " + src + " -> " + dst + " proto " + proto);
      }
    }
    return new SegmentAudit(frames.size(), arp, ike, natT, esp, icmp, violations);
  }

  /** 203.0.113.0/24, the segment's (documentation) public addresses. */
  private static boolean isPublic(byte[] f, int at) {
    return (f[at] & 0xff) == 203 && (f[at + 1] & 0xff) == 0 && (f[at + 2] & 0xff) == 113;
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
