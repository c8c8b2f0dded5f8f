package org.nsvpn.chainrules.status;

import java.time.Instant;
import java.util.Optional;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;

/**
 * Traffic through a child SA pair (its inbound and its outbound SA), or summed over several: bytes
 * and packets of payload as the IPsec stack counts them, and when each direction last carried a
 * packet.
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

  public SaCounters {
    nonNegative("bytes-in", bytesIn);
    nonNegative("packets-in", packetsIn);
    nonNegative("bytes-out", bytesOut);
    nonNegative("packets-out", packetsOut);
    Require.nonNull("last-use-in", lastInbound);
    Require.nonNull("last-use-out", lastOutbound);
  }

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

  /** True when the byte and packet counts are equal (last-use times are not compared). */
  public boolean sameCounts(SaCounters other) {
    return bytesIn == other.bytesIn
        && packetsIn == other.packetsIn
        && bytesOut == other.bytesOut
        && packetsOut == other.packetsOut;
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

  private static void nonNegative(String field, long value) {
    if (value < 0) {
      throw new InvalidValueException(field, value, "must not be negative");
    }
  }
}
