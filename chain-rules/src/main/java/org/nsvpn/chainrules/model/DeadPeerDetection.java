package org.nsvpn.chainrules.model;

import java.time.Duration;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;

/**
 * Dead peer detection. With {@link DpdAction#DISABLED} the interval and timeout are kept but not
 * used.
 *
 * @param interval how often to probe an idle peer, 1 s to 1 h
 * @param timeout how long without an answer before the peer is dead; longer than the interval
 */
public record DeadPeerDetection(DpdAction action, Duration interval, Duration timeout) {

  /** Neutron's defaults: hold, probe every 30 s, dead after 120 s. */
  public static final DeadPeerDetection DEFAULT =
      new DeadPeerDetection(DpdAction.HOLD, Duration.ofSeconds(30), Duration.ofSeconds(120));

  public DeadPeerDetection {
    Require.nonNull("dpd-action", action);
    Require.nonNull("dpd-interval", interval);
    Require.nonNull("dpd-timeout", timeout);
    if (interval.getNano() != 0 || interval.getSeconds() < 1 || interval.getSeconds() > 3600) {
      throw new InvalidValueException(
          "dpd-interval", interval.getSeconds() + "s", "must be whole seconds in 1..3600");
    }
    if (timeout.getNano() != 0
        || timeout.compareTo(interval) <= 0
        || timeout.getSeconds() > 86400) {
      throw new InvalidValueException(
          "dpd-timeout",
          timeout.getSeconds() + "s",
          "must be whole seconds, longer than dpd-interval ("
              + interval.getSeconds()
              + "s), at most 86400");
    }
  }
}
