package org.nsvpn.topology;

/**
 * Optimistic concurrency failed: an object was changed, created or deleted by someone else after
 * the caller read it. Nothing was written; re-read and decide again.
 */
public final class VersionConflictException extends StoreException {
  private static final long serialVersionUID = 1L;

  public VersionConflictException(String message) {
    super(message);
  }
}
