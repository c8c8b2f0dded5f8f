package org.nsvpn.namespacemanager.rtnl;

import java.nio.ByteBuffer;
import org.nsvpn.namespacemanager.netlink.Checks;

/**
 * {@code struct ndmsg} (linux/neighbour.h), the fixed header of neighbour messages: {@code __u8
 * ndm_family}, two padding fields ({@code __u8}, {@code __u16}), {@code __s32 ndm_ifindex}, {@code
 * __u16 ndm_state}, {@code __u8 ndm_flags}, {@code __u8 ndm_type}. 12 bytes.
 */
record NdMsg(int family, int index, int state, int flags, int type) {
  static final int SIZE = 12;

  NdMsg {
    Checks.u8("ndm_family", family);
    Checks.u16("ndm_state", state);
    Checks.u8("ndm_flags", flags);
    Checks.u8("ndm_type", type);
  }

  void encode(ByteBuffer out) {
    out.put((byte) family).put((byte) 0).putShort((short) 0);
    out.putInt(index).putShort((short) state).put((byte) flags).put((byte) type);
  }

  static NdMsg decode(ByteBuffer in) {
    int family = Byte.toUnsignedInt(in.get());
    in.get();
    in.getShort();
    return new NdMsg(
        family,
        in.getInt(),
        Short.toUnsignedInt(in.getShort()),
        Byte.toUnsignedInt(in.get()),
        Byte.toUnsignedInt(in.get()));
  }
}
