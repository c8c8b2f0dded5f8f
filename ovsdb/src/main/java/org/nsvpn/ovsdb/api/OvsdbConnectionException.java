package org.nsvpn.ovsdb.api;

/**
 * No usable connection: not connected yet, the connection was lost while the request was pending
 * (the request may or may not have been applied), or the client is closed.
 */
public final class OvsdbConnectionException extends OvsdbException {
  private static final long serialVersionUID = 1L;

  public OvsdbConnectionException(String message) {
    super(message);
  }

  public OvsdbConnectionException(String message, Throwable cause) {
    super(message, cause);
  }
}
