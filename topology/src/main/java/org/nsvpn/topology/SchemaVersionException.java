package org.nsvpn.topology;

/** The store was written in a schema version this nsvpn does not know. Nothing is touched. */
public final class SchemaVersionException extends StoreException {
  private static final long serialVersionUID = 1L;

  public SchemaVersionException(String message) {
    super(message);
  }
}
