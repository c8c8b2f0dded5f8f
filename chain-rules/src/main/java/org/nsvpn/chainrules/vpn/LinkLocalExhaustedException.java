package org.nsvpn.chainrules.vpn;

/** Every /30 of the link-local pool is in use: no further VPN router can get one. */
public final class LinkLocalExhaustedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public LinkLocalExhaustedException(String message) {
    super(message);
  }
}
