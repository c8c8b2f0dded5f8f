package org.nsvpn.namespacemanager.xfrm;

import java.nio.ByteBuffer;

/**
 * {@code struct xfrm_lifetime_cfg} (linux/xfrm.h): eight {@code __u64} limits: soft and hard byte
 * limits, soft and hard packet limits, soft and hard seconds after adding, soft and hard seconds
 * after first use. 64 bytes. {@link XfrmConstants#XFRM_INF} means no byte/packet limit, 0 no time
 * limit.
 */
public record XfrmLifetimeConfig(
    long softByteLimit,
    long hardByteLimit,
    long softPacketLimit,
    long hardPacketLimit,
    long softAddExpiresSeconds,
    long hardAddExpiresSeconds,
    long softUseExpiresSeconds,
    long hardUseExpiresSeconds) {
  public static final int SIZE = 64;

  /** No limits at all, as {@code ip xfrm} defaults to. */
  public static final XfrmLifetimeConfig UNLIMITED =
      new XfrmLifetimeConfig(
          XfrmConstants.XFRM_INF,
          XfrmConstants.XFRM_INF,
          XfrmConstants.XFRM_INF,
          XfrmConstants.XFRM_INF,
          0,
          0,
          0,
          0);

  public void encode(ByteBuffer out) {
    out.putLong(softByteLimit).putLong(hardByteLimit);
    out.putLong(softPacketLimit).putLong(hardPacketLimit);
    out.putLong(softAddExpiresSeconds).putLong(hardAddExpiresSeconds);
    out.putLong(softUseExpiresSeconds).putLong(hardUseExpiresSeconds);
  }

  public static XfrmLifetimeConfig decode(ByteBuffer in) {
    return new XfrmLifetimeConfig(
        in.getLong(),
        in.getLong(),
        in.getLong(),
        in.getLong(),
        in.getLong(),
        in.getLong(),
        in.getLong(),
        in.getLong());
  }
}
