package org.nsvpn.agentplugin.datapath;

/**
 * A hash of an inner frame's flow: Ethernet addresses and type, and for IPv4 the addresses,
 * protocol and (unfragmented TCP/UDP/SCTP) ports. The overlay picks the outer UDP source port by it
 * (RFC 7348, section 5), so that the underlay's ECMP and receive-side scaling keep one flow on one
 * path while spreading different flows.
 */
final class FlowHash {
  private static final int ETHERTYPE_IPV4 = 0x0800;

  private FlowHash() {}

  static int of(byte[] frame, int length) {
    int h = 0x9747b28c;
    int end = Math.min(length, 14);
    for (int i = 0; i < end; i++) {
      h = mix(h, frame[i]);
    }
    if (length >= 34 && ((frame[12] & 0xff) << 8 | (frame[13] & 0xff)) == ETHERTYPE_IPV4) {
      int ihl = (frame[14] & 0x0f) * 4;
      int protocol = frame[23] & 0xff;
      h = mix(h, (byte) protocol);
      for (int i = 26; i < 34; i++) {
        h = mix(h, frame[i]);
      }
      boolean fragment = ((frame[20] & 0x3f) | frame[21]) != 0;
      int ports = 14 + ihl;
      if (!fragment
          && (protocol == 6 || protocol == 17 || protocol == 132)
          && length >= ports + 4) {
        for (int i = ports; i < ports + 4; i++) {
          h = mix(h, frame[i]);
        }
      }
    }
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    return h;
  }

  private static int mix(int h, byte b) {
    return (h ^ (b & 0xff)) * 0x01000193;
  }
}
