package org.nsvpn.strongswan;

import java.util.Collection;
import org.nsvpn.chainrules.status.ConnectionStatus;

/**
 * Hears of status changes of a {@link CharonInstance}. Calls come one at a time, in order, on a
 * thread of the instance (never a Netty event loop); a listener should hand work off quickly, e.g.
 * by telling an actor.
 */
public interface StatusListener {

  /**
   * A connection's situation changed (its reason or its SAs; not mere counters): called at once
   * when an event or an error notification arrives.
   */
  void statusChanged(ConnectionStatus status);

  /** The periodic listing refreshed every connection's counters; all statuses, as of now. */
  default void countersRefreshed(Collection<ConnectionStatus> statuses) {}

  /** The instance left {@link InstanceState#RUNNING}; {@code reason} says why. */
  default void instanceStateChanged(InstanceState state, String reason) {}
}
