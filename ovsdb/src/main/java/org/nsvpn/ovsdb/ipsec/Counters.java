package org.nsvpn.ovsdb.ipsec;

/**
 * The kernel's current-lifetime counters of an SA or a policy ({@code struct xfrm_lifetime_cur}):
 * bytes and packets processed, when it was added and when first used, in seconds since the epoch
 * ({@code usedEpochSeconds} 0: never used).
 */
public record Counters(long bytes, long packets, long addedEpochSeconds, long usedEpochSeconds) {
  public Counters {
    Checks.range("bytes", bytes, 0, Long.MAX_VALUE);
    Checks.range("packets", packets, 0, Long.MAX_VALUE);
    Checks.range("added", addedEpochSeconds, 0, Long.MAX_VALUE);
    Checks.range("used", usedEpochSeconds, 0, Long.MAX_VALUE);
  }

  /** No traffic, never used. */
  public static Counters zero(long addedEpochSeconds) {
    return new Counters(0, 0, addedEpochSeconds, 0);
  }
}
