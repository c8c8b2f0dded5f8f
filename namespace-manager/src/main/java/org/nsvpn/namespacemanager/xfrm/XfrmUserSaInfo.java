package org.nsvpn.namespacemanager.xfrm;

import java.nio.ByteBuffer;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpFamily;
import org.nsvpn.namespacemanager.netlink.Checks;

/**
 * {@code struct xfrm_usersa_info} (linux/xfrm.h), the fixed part of an SA: {@code struct
 * xfrm_selector sel}, {@code struct xfrm_id id}, {@code xfrm_address_t saddr}, {@code struct
 * xfrm_lifetime_cfg lft}, {@code struct xfrm_lifetime_cur curlft}, {@code struct xfrm_stats stats},
 * {@code __u32 seq, reqid}, {@code __u16 family}, {@code __u8 mode, replay_window, flags}, padding.
 * 224 bytes on 64-bit Linux.
 */
public record XfrmUserSaInfo(
    XfrmSelector selector,
    XfrmId id,
    IpAddress source,
    XfrmLifetimeConfig lifetime,
    XfrmLifetimeCurrent current,
    XfrmStats stats,
    int sequence,
    int reqid,
    int mode,
    int replayWindow,
    int flags) {
  public static final int SIZE = 224;

  public XfrmUserSaInfo {
    Require.nonNull("SA selector", selector);
    Require.nonNull("SA id", id);
    Require.nonNull("SA source", source);
    Require.nonNull("SA lifetime", lifetime);
    Require.nonNull("SA current lifetime", current);
    Require.nonNull("SA stats", stats);
    if (source.family() != id.destination().family()) {
      throw new InvalidValueException(
          "SA source",
          source,
          "is " + source.family() + " but the destination " + id.destination() + " is not");
    }
    Checks.u8("SA mode", mode);
    Checks.u8("SA replay window", replayWindow);
    Checks.u8("SA flags", flags);
  }

  public IpFamily family() {
    return id.destination().family();
  }

  public void encode(ByteBuffer out) {
    int start = out.position();
    selector.encode(out);
    id.encode(out);
    XfrmWire.putAddress(out, source);
    lifetime.encode(out);
    current.encode(out);
    stats.encode(out);
    out.putInt(sequence).putInt(reqid);
    out.putShort((short) XfrmWire.family(family()));
    out.put((byte) mode).put((byte) replayWindow).put((byte) flags);
    XfrmWire.zeros(out, SIZE - (out.position() - start));
  }

  public static XfrmUserSaInfo decode(ByteBuffer in) {
    int start = in.position();
    IpFamily family = XfrmWire.family(Short.toUnsignedInt(in.getShort(start + 212)));
    XfrmSelector selector = XfrmSelector.decode(in);
    XfrmId id = XfrmId.decode(in, family);
    IpAddress source = XfrmWire.getAddress(in, family);
    XfrmLifetimeConfig lifetime = XfrmLifetimeConfig.decode(in);
    XfrmLifetimeCurrent current = XfrmLifetimeCurrent.decode(in);
    XfrmStats stats = XfrmStats.decode(in);
    int sequence = in.getInt();
    int reqid = in.getInt();
    in.getShort();
    int mode = Byte.toUnsignedInt(in.get());
    int replayWindow = Byte.toUnsignedInt(in.get());
    int flags = Byte.toUnsignedInt(in.get());
    in.position(start + SIZE);
    return new XfrmUserSaInfo(
        selector, id, source, lifetime, current, stats, sequence, reqid, mode, replayWindow, flags);
  }
}
