package org.nsvpn.namespacemanager.netlink;

import java.util.Optional;
import org.nsvpn.namespacemanager.ffi.SystemCallException;

/**
 * The kernel refused a netlink request. Besides the operation and the errno, carries the kernel's
 * extended-ack message when it sent one ({@code NETLINK_EXT_ACK}), which is usually the only
 * precise explanation: {@code RTM_NEWROUTE default via 169.254.1.1: ENETUNREACH (Network is
 * unreachable): kernel says "Nexthop has invalid gateway"}.
 */
public class NetlinkException extends SystemCallException {
  private static final long serialVersionUID = 1L;

  private final String kernelMessage;

  public NetlinkException(String operation, int errno, Optional<String> kernelMessage) {
    super(operation, errno, kernelMessage.map(m -> "kernel says \"" + m + "\"").orElse(null));
    this.kernelMessage = kernelMessage.orElse(null);
  }

  /** Copies {@code cause}'s fields, for subclasses that give a known failure a type. */
  protected NetlinkException(NetlinkException cause, String detail) {
    super(cause.operation(), cause.errno(), detail);
    this.kernelMessage = cause.kernelMessage;
    initCause(cause);
  }

  /** The kernel's extended-ack error string, if it sent one. */
  public Optional<String> kernelMessage() {
    return Optional.ofNullable(kernelMessage);
  }
}
