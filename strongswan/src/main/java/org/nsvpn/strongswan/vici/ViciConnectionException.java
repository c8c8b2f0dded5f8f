package org.nsvpn.strongswan.vici;

/**
 * A request could not be completed because the connection to charon was lost while it was in
 * flight, or the client was closed. Whether charon executed a lost command is unknown; commands of
 * the control API are idempotent (load-conn of the same config, unload of an absent name fail or
 * change nothing), so callers retry.
 */
public class ViciConnectionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ViciConnectionException(String message) {
    super(message);
  }
}
