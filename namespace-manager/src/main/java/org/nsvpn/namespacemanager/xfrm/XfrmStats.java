package org.nsvpn.namespacemanager.xfrm;

import java.nio.ByteBuffer;

/**
 * {@code struct xfrm_stats} (linux/xfrm.h), an SA's error statistics: {@code __u32 replay_window,
 * replay, integrity_failed}. 12 bytes.
 */
public record XfrmStats(int replayWindow, int replay, int integrityFailed) {
  public static final int SIZE = 12;
  public static final XfrmStats ZERO = new XfrmStats(0, 0, 0);

  public void encode(ByteBuffer out) {
    out.putInt(replayWindow).putInt(replay).putInt(integrityFailed);
  }

  public static XfrmStats decode(ByteBuffer in) {
    return new XfrmStats(in.getInt(), in.getInt(), in.getInt());
  }
}
