package org.nsvpn.namespacemanager.rtnl;

import java.nio.ByteBuffer;
import org.nsvpn.namespacemanager.netlink.Checks;

/**
 * {@code struct rtmsg} (linux/rtnetlink.h), the fixed header of route messages: {@code unsigned
 * char rtm_family, rtm_dst_len, rtm_src_len, rtm_tos, rtm_table, rtm_protocol, rtm_scope,
 * rtm_type}, {@code unsigned rtm_flags}. 12 bytes.
 */
record RtMsg(
    int family,
    int dstLength,
    int srcLength,
    int tos,
    int table,
    int protocol,
    int scope,
    int type,
    int flags) {
  static final int SIZE = 12;

  RtMsg {
    Checks.u8("rtm_family", family);
    Checks.u8("rtm_dst_len", dstLength);
    Checks.u8("rtm_src_len", srcLength);
    Checks.u8("rtm_tos", tos);
    Checks.u8("rtm_table", table);
    Checks.u8("rtm_protocol", protocol);
    Checks.u8("rtm_scope", scope);
    Checks.u8("rtm_type", type);
  }

  void encode(ByteBuffer out) {
    out.put((byte) family).put((byte) dstLength).put((byte) srcLength).put((byte) tos);
    out.put((byte) table).put((byte) protocol).put((byte) scope).put((byte) type);
    out.putInt(flags);
  }

  static RtMsg decode(ByteBuffer in) {
    int[] b = new int[8];
    for (int i = 0; i < 8; i++) {
      b[i] = Byte.toUnsignedInt(in.get());
    }
    return new RtMsg(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], in.getInt());
  }
}
