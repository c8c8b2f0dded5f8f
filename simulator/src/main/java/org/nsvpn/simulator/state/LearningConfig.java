package org.nsvpn.simulator.state;

import java.time.Duration;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;

/**
 * Timers and limits of the learning state.
 *
 * @param macAging a learned MAC is forgotten after this long without a frame from it (Linux
 *     bridges: 300 s)
 * @param arpTimeout a resolved ARP entry is used for this long after it was learned, then resolved
 *     again
 * @param arpRetryInterval while an address is unresolved, at most one ARP request per interval
 * @param arpPendingTimeout an address still unresolved after this long is given up: the frames
 *     waiting for it are discarded and the next frame starts over
 * @param arpQueueLimit frames held per unresolved address; further ones are dropped
 */
public record LearningConfig(
    Duration macAging,
    Duration arpTimeout,
    Duration arpRetryInterval,
    Duration arpPendingTimeout,
    int arpQueueLimit) {

  public static final LearningConfig DEFAULT =
      new LearningConfig(
          Duration.ofSeconds(300),
          Duration.ofSeconds(60),
          Duration.ofSeconds(1),
          Duration.ofSeconds(3),
          3);

  public LearningConfig {
    positive("mac aging", macAging);
    positive("arp timeout", arpTimeout);
    positive("arp retry interval", arpRetryInterval);
    positive("arp pending timeout", arpPendingTimeout);
    Require.inRange("arp queue limit", arpQueueLimit, 0, 1024);
  }

  private static void positive(String field, Duration d) {
    Require.nonNull(field, d);
    if (d.isNegative() || d.isZero()) {
      throw new InvalidValueException(field, d, "must be positive");
    }
  }
}
