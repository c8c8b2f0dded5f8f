package org.nsvpn.topology;

import java.util.NavigableSet;

/** How the store picks a new port's {@link TunnelKey}. */
final class TunnelKeys {
  private TunnelKeys() {}

  /**
   * The key after the highest one taken, so that a deleted port's key is not handed out again while
   * higher keys remain (frames still in flight to the old port cannot reach a new one); once the
   * top is reached, the lowest free key.
   *
   * @param stored keys of stored ports
   * @param pending keys given out earlier in the same transaction
   * @throws IntegrityException when all {@value TunnelKey#MAX} keys are taken
   */
  static TunnelKey next(NavigableSet<TunnelKey> stored, NavigableSet<TunnelKey> pending) {
    int highest = Math.max(highest(stored), highest(pending));
    if (highest < TunnelKey.MAX) {
      return new TunnelKey(highest + 1);
    }
    for (int candidate = 1; candidate <= TunnelKey.MAX; candidate++) {
      TunnelKey key = new TunnelKey(candidate);
      if (!stored.contains(key) && !pending.contains(key)) {
        return key;
      }
    }
    throw new IntegrityException(
        java.util.List.of("all " + TunnelKey.MAX + " tunnel keys are taken; delete unused ports"));
  }

  private static int highest(NavigableSet<TunnelKey> keys) {
    return keys.isEmpty() ? 0 : keys.last().value();
  }
}
