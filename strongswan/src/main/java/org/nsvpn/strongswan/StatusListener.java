package org.nsvpn.strongswan;

/**
 * Hears of status changes of a {@link CharonInstance}. Calls come one at a time, in order, on a
 * thread of the instance (never a Netty event loop); a listener should hand work off quickly, e.g.
 * by telling an actor.
 */
public interface StatusListener {

  /** A connection's situation changed (state, reason, error or SAs; not mere counters). */
  void statusChanged(ConnectionStatus status);

  /** The instance left {@link InstanceState#RUNNING}; {@code reason} says why. */
  default void instanceStateChanged(InstanceState state, String reason) {}
}
