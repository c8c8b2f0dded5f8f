package org.nsvpn.namespacemanager.rtnl;

import java.nio.ByteBuffer;
import org.nsvpn.namespacemanager.netlink.Checks;

/**
 * {@code struct ifaddrmsg} (linux/if_addr.h), the fixed header of address messages: {@code __u8
 * ifa_family, ifa_prefixlen, ifa_flags, ifa_scope}, {@code __u32 ifa_index}. 8 bytes.
 */
record IfAddrMsg(int family, int prefixLength, int flags, int scope, int index) {
  static final int SIZE = 8;

  IfAddrMsg {
    Checks.u8("ifa_family", family);
    Checks.u8("ifa_prefixlen", prefixLength);
    Checks.u8("ifa_flags", flags);
    Checks.u8("ifa_scope", scope);
  }

  void encode(ByteBuffer out) {
    out.put((byte) family).put((byte) prefixLength).put((byte) flags).put((byte) scope);
    out.putInt(index);
  }

  static IfAddrMsg decode(ByteBuffer in) {
    return new IfAddrMsg(
        Byte.toUnsignedInt(in.get()),
        Byte.toUnsignedInt(in.get()),
        Byte.toUnsignedInt(in.get()),
        Byte.toUnsignedInt(in.get()),
        in.getInt());
  }
}
