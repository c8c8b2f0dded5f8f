package org.nsvpn.topology.json;

/**
 * A node in the store holds data that does not decode: not JSON, a missing field, a value the model
 * refuses. Names the node so that an operator can inspect it. Written by another program or a newer
 * nsvpn; the store never writes such data itself.
 */
public final class StoredDataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoredDataException(String where, String problem) {
    super(where + ": " + problem);
  }

  public StoredDataException(String where, String problem, Throwable cause) {
    super(where + ": " + problem, cause);
  }
}
