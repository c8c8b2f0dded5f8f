package org.nsvpn.namespacemanager.netlink;

/**
 * A netlink message could not be decoded: a length that runs past its buffer, a struct shorter than
 * its C layout, an unexpected reply. Always a bug or a kernel ABI mismatch, never bad user input.
 */
public final class NetlinkProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NetlinkProtocolException(String message) {
    super(message);
  }
}
