package org.nsvpn.ovsdb.api;

/**
 * Told when this client acquires or loses a lock (RFC 7047 {@code locked} and {@code stolen}
 * notifications, and the loss of every lock when the connection drops), on the client's callback
 * thread. Must not block.
 */
@FunctionalInterface
public interface LockListener {
  /** {@code held} says whether this client now holds {@code lock}. */
  void onLockChange(String lock, boolean held);
}
