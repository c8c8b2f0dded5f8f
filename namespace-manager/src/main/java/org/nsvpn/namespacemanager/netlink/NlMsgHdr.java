package org.nsvpn.namespacemanager.netlink;

import java.nio.ByteBuffer;

/**
 * {@code struct nlmsghdr} (linux/netlink.h): the 16-byte header of every netlink message.
 *
 * @param length {@code __u32 nlmsg_len}: header plus payload, without trailing padding
 * @param type {@code __u16 nlmsg_type}
 * @param flags {@code __u16 nlmsg_flags}
 * @param sequence {@code __u32 nlmsg_seq}, as a Java int (the bits are what matter)
 * @param portId {@code __u32 nlmsg_pid}: 0 for messages from the kernel
 */
public record NlMsgHdr(int length, int type, int flags, int sequence, int portId) {
  public static final int SIZE = 16;

  public NlMsgHdr {
    if (length < SIZE) {
      throw new IllegalArgumentException("nlmsg_len " + length + " is shorter than the header");
    }
    Checks.u16("nlmsg_type", type);
    Checks.u16("nlmsg_flags", flags);
  }

  /** Writes the header at the buffer's position (host byte order) and advances it. */
  public void encode(ByteBuffer out) {
    out.putInt(length);
    out.putShort((short) type);
    out.putShort((short) flags);
    out.putInt(sequence);
    out.putInt(portId);
  }

  /** Reads a header at the buffer's position and advances it. */
  public static NlMsgHdr decode(ByteBuffer in) {
    return new NlMsgHdr(
        in.getInt(),
        Short.toUnsignedInt(in.getShort()),
        Short.toUnsignedInt(in.getShort()),
        in.getInt(),
        in.getInt());
  }
}
