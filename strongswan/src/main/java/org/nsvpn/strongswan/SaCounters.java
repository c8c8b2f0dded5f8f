package org.nsvpn.strongswan;

import java.time.Instant;
import java.util.Optional;

/**
 * Traffic through a child SA (or the sum over a connection's child SAs), as charon reports it:
 * bytes and packets of cleartext payload, and when traffic last passed.
 */
public record SaCounters(
    long bytesIn,
    long packetsIn,
    long bytesOut,
    long packetsOut,
    Optional<Instant> lastInbound,
    Optional<Instant> lastOutbound) {

  public static final SaCounters ZERO =
      new SaCounters(0, 0, 0, 0, Optional.empty(), Optional.empty());

  /** The sum of both, with the later of each last-use time. */
  public SaCounters plus(SaCounters other) {
    return new SaCounters(
        bytesIn + other.bytesIn,
        packetsIn + other.packetsIn,
        bytesOut + other.bytesOut,
        packetsOut + other.packetsOut,
        later(lastInbound, other.lastInbound),
        later(lastOutbound, other.lastOutbound));
  }

  private static Optional<Instant> later(Optional<Instant> a, Optional<Instant> b) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    return a.get().isAfter(b.get()) ? a : b;
  }
}
