package org.nsvpn.ovsdb.api;

/** The server did not answer a request within the client's request timeout. */
public final class OvsdbTimeoutException extends OvsdbException {
  private static final long serialVersionUID = 1L;

  public OvsdbTimeoutException(String message) {
    super(message);
  }
}
