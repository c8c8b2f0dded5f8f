package org.nsvpn.ovsdb.api;

/**
 * The peer sent something that is not RFC 7047 JSON-RPC: malformed JSON, a message over the size
 * limit, or a well-formed message of the wrong shape. The connection is dropped when the byte
 * stream can no longer be trusted.
 */
public final class OvsdbProtocolException extends OvsdbException {
  private static final long serialVersionUID = 1L;

  public OvsdbProtocolException(String message) {
    super(message);
  }

  public OvsdbProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
