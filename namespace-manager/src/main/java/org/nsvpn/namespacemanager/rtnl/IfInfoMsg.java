package org.nsvpn.namespacemanager.rtnl;

import java.nio.ByteBuffer;
import org.nsvpn.namespacemanager.netlink.Checks;

/**
 * {@code struct ifinfomsg} (linux/rtnetlink.h), the fixed header of link messages: {@code unsigned
 * char ifi_family}, padding, {@code unsigned short ifi_type}, {@code int ifi_index}, {@code
 * unsigned ifi_flags}, {@code unsigned ifi_change}. 16 bytes.
 */
record IfInfoMsg(int family, int type, int index, int flags, int change) {
  static final int SIZE = 16;

  IfInfoMsg {
    Checks.u8("ifi_family", family);
    Checks.u16("ifi_type", type);
  }

  static IfInfoMsg ofIndex(int index) {
    return new IfInfoMsg(Rtnl.AF_UNSPEC, 0, index, 0, 0);
  }

  void encode(ByteBuffer out) {
    out.put((byte) family).put((byte) 0).putShort((short) type);
    out.putInt(index).putInt(flags).putInt(change);
  }

  static IfInfoMsg decode(ByteBuffer in) {
    int family = Byte.toUnsignedInt(in.get());
    in.get();
    int type = Short.toUnsignedInt(in.getShort());
    return new IfInfoMsg(family, type, in.getInt(), in.getInt(), in.getInt());
  }
}
