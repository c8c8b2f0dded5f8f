package org.nsvpn.namespacemanager.xfrm;

import java.nio.ByteBuffer;

/**
 * {@code struct xfrm_lifetime_cur} (linux/xfrm.h), the counters of an SA or policy: {@code __u64
 * bytes, packets, add_time, use_time}. 32 bytes. Times are seconds since the epoch; {@code useTime}
 * is 0 until first use.
 */
public record XfrmLifetimeCurrent(long bytes, long packets, long addTime, long useTime) {
  public static final int SIZE = 32;
  public static final XfrmLifetimeCurrent ZERO = new XfrmLifetimeCurrent(0, 0, 0, 0);

  public void encode(ByteBuffer out) {
    out.putLong(bytes).putLong(packets).putLong(addTime).putLong(useTime);
  }

  public static XfrmLifetimeCurrent decode(ByteBuffer in) {
    return new XfrmLifetimeCurrent(in.getLong(), in.getLong(), in.getLong(), in.getLong());
  }
}
