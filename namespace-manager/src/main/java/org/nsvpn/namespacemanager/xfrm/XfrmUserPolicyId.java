package org.nsvpn.namespacemanager.xfrm;

import java.nio.ByteBuffer;
import org.nsvpn.chainrules.Require;

/**
 * {@code struct xfrm_userpolicy_id} (linux/xfrm.h), the key of a policy in delete and get requests:
 * {@code struct xfrm_selector sel}, {@code __u32 index}, {@code __u8 dir}, padding. 64 bytes. With
 * {@code index} 0 the kernel finds the policy by selector and direction.
 */
public record XfrmUserPolicyId(XfrmSelector selector, int index, PolicyDirection direction) {
  public static final int SIZE = 64;

  public XfrmUserPolicyId {
    Require.nonNull("policy selector", selector);
    Require.nonNull("policy direction", direction);
  }

  public void encode(ByteBuffer out) {
    selector.encode(out);
    out.putInt(index);
    out.put((byte) direction.code());
    XfrmWire.zeros(out, 3);
  }

  public static XfrmUserPolicyId decode(ByteBuffer in) {
    XfrmSelector selector = XfrmSelector.decode(in);
    int index = in.getInt();
    PolicyDirection direction = PolicyDirection.of(Byte.toUnsignedInt(in.get()));
    XfrmWire.skip(in, 3);
    return new XfrmUserPolicyId(selector, index, direction);
  }
}
