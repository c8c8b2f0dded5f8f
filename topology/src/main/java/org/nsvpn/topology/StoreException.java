package org.nsvpn.topology;

/**
 * A store operation failed: ZooKeeper unreachable or refusing, or data in the store that this
 * version of nsvpn cannot read. The subclasses are the failures a caller may want to handle: a
 * version conflict and a refused change.
 */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
