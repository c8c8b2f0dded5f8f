package org.nsvpn.agentplugin.e2e;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The security associations a public IP used on the wire, in order: for each IKE (UDP 500, or UDP
 * 4500 with the non-ESP marker) or ESP (protocol 50, or UDP 4500 without the marker) packet from
 * that address, the SA it belongs to ("ike:" and the initiator's SPI, "esp:" and the SPI). One
 * gateway at a time means: once a packet of an SA that the old gateway never used appears, no
 * packet of an old SA follows.
 */
final class GatewaySequence {
  private GatewaySequence() {}

  /** The SA of every IKE or ESP packet from {@code source}, in capture order. */
  static List<String> of(List<byte[]> frames, String source) {
    byte[] src = parse(source);
    List<String> out = new ArrayList<>();
    HexFormat hex = HexFormat.of();
    for (byte[] f : frames) {
      if (f.length < 34 || u16(f, 12) != 0x0800) {
        continue;
      }
      if (f[26] != src[0] || f[27] != src[1] || f[28] != src[2] || f[29] != src[3]) {
        continue;
      }
      int l4 = 14 + (f[14] & 0x0f) * 4;
      int proto = f[23] & 0xff;
      if (proto == 50 && f.length >= l4 + 4) {
        out.add("esp:" + hex.formatHex(f, l4, l4 + 4));
      } else if (proto == 17 && f.length >= l4 + 16) {
        int sport = u16(f, l4);
        int dport = u16(f, l4 + 2);
        int payload = l4 + 8;
        if (sport == 500 || dport == 500) {
          out.add("ike:" + hex.formatHex(f, payload, payload + 8));
        } else if ((sport == 4500 || dport == 4500) && f.length >= payload + 12) {
          boolean marker =
              f[payload] == 0 && f[payload + 1] == 0 && f[payload + 2] == 0 && f[payload + 3] == 0;
          out.add(
              marker
                  ? "ike:" + hex.formatHex(f, payload + 4, payload + 12)
                  : "esp:" + hex.formatHex(f, payload, payload + 4));
        }
      }
    }
    return out;
  }

  /**
   * The index of the first packet of an old SA that follows a packet of a new one, or -1 when the
   * old and the new never interleave.
   */
  static int interleaving(List<String> sequence, Set<String> old) {
    boolean newSeen = false;
    for (int i = 0; i < sequence.size(); i++) {
      boolean isOld = old.contains(sequence.get(i));
      if (!isOld) {
        newSeen = true;
      } else if (newSeen) {
        return i;
      }
    }
    return -1;
  }

  private static byte[] parse(String ip) {
    String[] parts = ip.split("\\.");
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      out[i] = (byte) Integer.parseInt(parts[i]);
    }
    return out;
  }

  private static int u16(byte[] f, int at) {
    return (f[at] & 0xff) << 8 | (f[at + 1] & 0xff);
  }
}
