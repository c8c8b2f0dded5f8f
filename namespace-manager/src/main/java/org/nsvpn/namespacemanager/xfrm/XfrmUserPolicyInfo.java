package org.nsvpn.namespacemanager.xfrm;

import java.nio.ByteBuffer;
import org.nsvpn.chainrules.Require;
import org.nsvpn.namespacemanager.netlink.Checks;

/**
 * {@code struct xfrm_userpolicy_info} (linux/xfrm.h), the fixed part of a policy: {@code struct
 * xfrm_selector sel}, {@code struct xfrm_lifetime_cfg lft}, {@code struct xfrm_lifetime_cur
 * curlft}, {@code __u32 priority, index}, {@code __u8 dir, action, flags, share}, padding. 168
 * bytes on 64-bit Linux.
 *
 * @param priority lower values take precedence
 * @param index assigned by the kernel; 0 when adding
 */
public record XfrmUserPolicyInfo(
    XfrmSelector selector,
    XfrmLifetimeConfig lifetime,
    XfrmLifetimeCurrent current,
    int priority,
    int index,
    PolicyDirection direction,
    PolicyAction action,
    int flags,
    int share) {
  public static final int SIZE = 168;

  public XfrmUserPolicyInfo {
    Require.nonNull("policy selector", selector);
    Require.nonNull("policy lifetime", lifetime);
    Require.nonNull("policy current lifetime", current);
    Require.nonNull("policy direction", direction);
    Require.nonNull("policy action", action);
    Checks.u8("policy flags", flags);
    Checks.u8("policy share", share);
  }

  public void encode(ByteBuffer out) {
    int start = out.position();
    selector.encode(out);
    lifetime.encode(out);
    current.encode(out);
    out.putInt(priority).putInt(index);
    out.put((byte) direction.code()).put((byte) action.code());
    out.put((byte) flags).put((byte) share);
    XfrmWire.zeros(out, SIZE - (out.position() - start));
  }

  public static XfrmUserPolicyInfo decode(ByteBuffer in) {
    int start = in.position();
    XfrmSelector selector = XfrmSelector.decode(in);
    XfrmLifetimeConfig lifetime = XfrmLifetimeConfig.decode(in);
    XfrmLifetimeCurrent current = XfrmLifetimeCurrent.decode(in);
    int priority = in.getInt();
    int index = in.getInt();
    PolicyDirection direction = PolicyDirection.of(Byte.toUnsignedInt(in.get()));
    PolicyAction action = PolicyAction.of(Byte.toUnsignedInt(in.get()));
    int flags = Byte.toUnsignedInt(in.get());
    int share = Byte.toUnsignedInt(in.get());
    in.position(start + SIZE);
    return new XfrmUserPolicyInfo(
        selector, lifetime, current, priority, index, direction, action, flags, share);
  }
}
