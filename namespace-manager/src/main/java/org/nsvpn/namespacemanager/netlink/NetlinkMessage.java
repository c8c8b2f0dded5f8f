package org.nsvpn.namespacemanager.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One message of a datagram: its header and its payload (a read-only view, host byte order).
 *
 * @param header the {@code nlmsghdr}
 * @param payloadView the bytes after the header, up to {@code nlmsg_len}
 */
public record NetlinkMessage(NlMsgHdr header, ByteBuffer payloadView) {

  /** A fresh view of the payload, positioned at its start. */
  public ByteBuffer payload() {
    return payloadView.duplicate().order(ByteOrder.nativeOrder());
  }

  public int type() {
    return header.type();
  }

  /**
   * Splits a received datagram into its messages (a dump packs several into one datagram, each
   * aligned to 4 bytes).
   */
  public static List<NetlinkMessage> split(ByteBuffer datagram) {
    ByteBuffer in = datagram.duplicate().order(ByteOrder.nativeOrder());
    List<NetlinkMessage> out = new ArrayList<>();
    while (in.remaining() >= NlMsgHdr.SIZE) {
      int start = in.position();
      NlMsgHdr header = NlMsgHdr.decode(in);
      if (start + header.length() > in.limit()) {
        throw new NetlinkProtocolException(
            "message of "
                + header.length()
                + " bytes at "
                + start
                + " overruns a datagram of "
                + in.limit());
      }
      ByteBuffer payload =
          in.duplicate()
              .position(start + NlMsgHdr.SIZE)
              .limit(start + header.length())
              .slice()
              .asReadOnlyBuffer()
              .order(ByteOrder.nativeOrder());
      out.add(new NetlinkMessage(header, payload));
      in.position(Math.min(in.limit(), start + Netlink.align(header.length())));
    }
    return out;
  }
}
