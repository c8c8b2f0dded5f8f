package org.nsvpn.topology.status;

import java.time.Instant;
import java.util.Optional;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;

/**
 * Traffic counters of a child SA pair (inbound and outbound SA), as the kernel or the IKE daemon
 * report them.
 *
 * @param lastUseIn when the inbound SA last carried a packet; empty if never
 * @param lastUseOut when the outbound SA last carried a packet; empty if never
 */
public record SaCounters(
    long bytesIn,
    long bytesOut,
    long packetsIn,
    long packetsOut,
    Optional<Instant> lastUseIn,
    Optional<Instant> lastUseOut) {

  public static final SaCounters ZERO =
      new SaCounters(0, 0, 0, 0, Optional.empty(), Optional.empty());

  public SaCounters {
    nonNegative("bytes-in", bytesIn);
    nonNegative("bytes-out", bytesOut);
    nonNegative("packets-in", packetsIn);
    nonNegative("packets-out", packetsOut);
    Require.nonNull("last-use-in", lastUseIn);
    Require.nonNull("last-use-out", lastUseOut);
  }

  private static void nonNegative(String field, long value) {
    if (value < 0) {
      throw new InvalidValueException(field, value, "must not be negative");
    }
  }
}
