package org.nsvpn.cli;

import java.time.Duration;
import java.time.Instant;

/**
 * An instant as an operator reads it next to the clock: {@code 5 min ago}, {@code in 47 min},
 * {@code 2 h 3 min ago}, {@code just now}. Coarser units drop the finer ones beyond the second
 * (seconds under a minute, minutes under two hours, hours and minutes under two days, then days and
 * hours), which is as precise as a glance needs; the absolute time is printed beside it.
 */
final class RelativeTime {
  private RelativeTime() {}

  static String of(Instant t, Instant now) {
    Duration d = Duration.between(now, t);
    boolean future = !d.isNegative();
    long s = Math.abs(d.getSeconds());
    if (s == 0) {
      return "just now";
    }
    String span;
    if (s < 60) {
      span = s + " s";
    } else if (s < 2 * 3600) {
      span = s / 60 + " min";
    } else if (s < 2 * 86400) {
      span = s / 3600 + " h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + " min");
    } else {
      span = s / 86400 + " d" + (s % 86400 / 3600 == 0 ? "" : " " + s % 86400 / 3600 + " h");
    }
    return future ? "in " + span : span + " ago";
  }

  /** {@code 2026-12-07T08:00:00Z (5 min ago)}. */
  static String both(Instant t, Instant now) {
    return t + " (" + of(t, now) + ")";
  }
}
