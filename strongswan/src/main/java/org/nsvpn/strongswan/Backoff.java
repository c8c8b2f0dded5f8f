package org.nsvpn.strongswan;

import java.time.Duration;

/**
 * How long nsvpn waits before it initiates a connection again after consecutive failures: the
 * minimum, doubled per failure, capped at the maximum (with the defaults 5, 10, 20, 40, 80, 160,
 * 300, 300 ... seconds). A working tunnel resets the count; so does a change of the connection.
 * Without it a connection with a wrong PSK was renegotiated on every reconcile pass.
 */
record Backoff(Duration min, Duration max) {
  Backoff {
    if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < min <= max, got " + min + ", " + max);
    }
  }

  /** The wait after {@code failures} consecutive failures (at least 1). */
  Duration after(int failures) {
    Duration d = min;
    for (int i = 1; i < failures && d.compareTo(max) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(max) > 0 ? max : d;
  }
}
