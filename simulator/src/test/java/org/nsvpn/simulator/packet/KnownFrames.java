package org.nsvpn.simulator.packet;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Frames written by hand, byte by byte, with checksums computed by a separate script (RFC 1071
 * arithmetic in Python, not this codec) and every one cross-checked with tcpdump 4.99 {@code -vvv},
 * which reported the IPv4, ICMP, UDP ("udp sum ok") and TCP ("cksum 0xe84d (correct)") checksums
 * valid. They anchor the codec to something other than itself.
 */
final class KnownFrames {
  /** ARP who-has 192.0.2.2 tell 192.0.2.1, padded to 60 bytes. */
  static final String ARP_REQUEST =
      "ffffffffffff020000000001080600010800060400010200000000"
          + "01c0000201000000000000c0000202000000000000000000000000000000000000";

  /** ICMP echo request 192.0.2.1 > 192.0.2.2, id 1 seq 1, 56 data bytes 0x10..0x47 (as ping). */
  static final String ICMP_ECHO =
      "020000000002020000000001080045000054123440004001a471c0000201c000020208003f2900010001"
          + "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f"
          + "303132333435363738393a3b3c3d3e3f4041424344454647";

  /** UDP 53000 > 53, a DNS query for example.com, no DF. */
  static final String UDP_DNS =
      "020000000002020000000001080045000039beef0000401137c1c0000201c0000202cf08003500253127"
          + "abcd01000001000000000000076578616d706c6503636f6d0000010001";

  /** TCP SYN 40000 > 22 with MSS, SACK-permitted, timestamps, NOP, window scale. */
  static final String TCP_SYN =
      "02000000000202000000000108004500003c123440004006a484c0000201c00002029c4000161122334400"
          + "000000a002faf0e84d0000020405b40402080a000000010000000001030307";

  /** UDP with the IPv4 router-alert option (IHL 6), TTL 1. */
  static final String IPV4_OPTIONS_UDP =
      "0200000000020200000000010800460000231234400001114e8ec0000201c00002029404000013881389"
          + "000b71526f7074";

  /** IPv6 2001:db8::1 > 2001:db8::2, hop-by-hop (PadN) then UDP 546 > 547. */
  static final String IPV6_HBH_UDP =
      "33330001000202000000000186dd600000000015004020010db8000000000000000000000001"
          + "20010db8000000000000000000000002110001040000000002220223000d97140102030405";

  /** 802.1Q VLAN 100 priority 3, ESP SPI 0xc0ffee01 seq 7. */
  static final String VLAN_ESP =
      "0200000000020200000000018100606408004500003c123440004032a458c0000201c0000202c0ffee01"
          + "00000007000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

  private KnownFrames() {}

  /** Every frame by name. */
  static Map<String, byte[]> all() {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("arp request", bytes(ARP_REQUEST));
    m.put("icmp echo", bytes(ICMP_ECHO));
    m.put("udp dns", bytes(UDP_DNS));
    m.put("tcp syn", bytes(TCP_SYN));
    m.put("ipv4 options", bytes(IPV4_OPTIONS_UDP));
    m.put("ipv6 hop-by-hop", bytes(IPV6_HBH_UDP));
    m.put("vlan esp", bytes(VLAN_ESP));
    return m;
  }

  static byte[] bytes(String hex) {
    return Bytes.fromHex(hex).toArray();
  }
}
