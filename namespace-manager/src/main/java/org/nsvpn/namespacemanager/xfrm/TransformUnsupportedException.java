package org.nsvpn.namespacemanager.xfrm;

import org.nsvpn.namespacemanager.netlink.NetlinkException;

/**
 * The kernel has no implementation of an SA's transform protocol, e.g. "kernel lacks ESP support"
 * on a kernel built without {@code CONFIG_INET_ESP}. The kernel reports this as {@code
 * EPROTONOSUPPORT} with "Requested type not found". Callers can fall back to user-space ESP
 * (strongSwan's kernel-libipsec).
 */
public final class TransformUnsupportedException extends NetlinkException {
  private static final long serialVersionUID = 1L;
  private final int protocol;

  TransformUnsupportedException(NetlinkException cause, int protocol) {
    super(
        cause,
        "kernel lacks "
            + protocolName(protocol)
            + " support"
            + cause.kernelMessage().map(m -> " (kernel says \"" + m + "\")").orElse(""));
    this.protocol = protocol;
  }

  /** The IP protocol of the refused transform (50 for ESP). */
  public int protocol() {
    return protocol;
  }

  static String protocolName(int protocol) {
    return switch (protocol) {
      case XfrmConstants.IPPROTO_ESP -> "ESP";
      case XfrmConstants.IPPROTO_AH -> "AH";
      case XfrmConstants.IPPROTO_COMP -> "IPComp";
      default -> "IP protocol " + protocol;
    };
  }
}
