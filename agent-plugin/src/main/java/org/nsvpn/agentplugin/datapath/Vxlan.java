package org.nsvpn.agentplugin.datapath;

import java.nio.ByteBuffer;
import org.nsvpn.topology.TunnelKey;

/**
 * The VXLAN header (RFC 7348, section 5): 8 bytes, the I flag (0x08) in the first, the 24-bit
 * network identifier in bytes 4-6, every other bit reserved (sent as zero, ignored on receipt). The
 * overlay's VNI is the egress port's {@link TunnelKey}.
 */
final class Vxlan {
  /** Bytes of the header. */
  static final int HEADER = 8;

  /**
   * Bytes VXLAN adds to an inner frame on the wire: outer IPv4 20, UDP 8, header 8, outer MAC 14.
   */
  static final int OVERHEAD = 50;

  /** The IANA port (RFC 7348). */
  static final int DEFAULT_PORT = 4789;

  private static final int FLAG_I = 0x08;
  private static final int ETHERNET_HEADER = 14;

  private Vxlan() {}

  /** Writes the header for {@code key} at the buffer's position and advances it. */
  static void writeHeader(ByteBuffer out, TunnelKey key) {
    out.putInt(FLAG_I << 24);
    out.putInt(key.value() << 8);
  }

  /**
   * The key of a received packet whose payload is {@code packet}'s content from 0 to its limit.
   *
   * @return the VNI, or the drop reason as its negated ordinal minus one (see {@link #drop})
   */
  static int parse(ByteBuffer packet) {
    int length = packet.limit();
    if (length < HEADER) {
      return code(OverlayDrop.TRUNCATED);
    }
    if ((packet.get(0) & FLAG_I) == 0) {
      return code(OverlayDrop.NOT_VXLAN);
    }
    int vni = (packet.getInt(4) >>> 8) & TunnelKey.MAX;
    if (vni == 0) {
      return code(OverlayDrop.UNKNOWN_KEY);
    }
    int inner = length - HEADER;
    if (inner < ETHERNET_HEADER) {
      return code(OverlayDrop.BAD_INNER_FRAME);
    }
    return vni;
  }

  /** The drop reason a negative {@link #parse} result stands for. */
  static OverlayDrop drop(int code) {
    return OverlayDrop.values()[-code - 1];
  }

  private static int code(OverlayDrop reason) {
    return -reason.ordinal() - 1;
  }
}
