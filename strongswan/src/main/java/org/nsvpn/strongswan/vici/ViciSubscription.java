package org.nsvpn.strongswan.vici;

/** A registration for a named event. Closing it unregisters (when no one else listens). */
public interface ViciSubscription extends AutoCloseable {
  String event();

  /** Idempotent. */
  @Override
  void close();
}
