package org.nsvpn.ovsdb.api;

/**
 * Base of every error the OVSDB client reports. Futures returned by {@link OvsdbClient} fail with a
 * subclass: {@link OvsdbServerException} (the server refused), {@link OvsdbTransactionException}
 * (an operation of a transaction failed), {@link OvsdbConnectionException} (no usable connection),
 * {@link OvsdbTimeoutException} (no answer in time) and {@link OvsdbProtocolException} (the peer
 * broke the protocol).
 */
public abstract class OvsdbException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected OvsdbException(String message) {
    super(message);
  }

  protected OvsdbException(String message, Throwable cause) {
    super(message, cause);
  }
}
