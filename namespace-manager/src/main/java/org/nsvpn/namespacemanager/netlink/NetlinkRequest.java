package org.nsvpn.namespacemanager.netlink;

/**
 * A complete request message as {@link MessageWriter} built it, before the socket stamps its
 * sequence number and port id.
 *
 * @param type {@code nlmsg_type}
 * @param flags {@code nlmsg_flags} without {@code NLM_F_REQUEST}/{@code NLM_F_ACK}
 * @param message the message bytes, header first
 * @param operation how errors name this request
 */
public record NetlinkRequest(int type, int flags, byte[] message, String operation) {
  public NetlinkRequest {
    if (message.length < NlMsgHdr.SIZE) {
      throw new IllegalArgumentException("a message holds at least its header");
    }
    message = message.clone();
  }

  @Override
  public byte[] message() {
    return message.clone();
  }

  int length() {
    return message.length;
  }
}
