package org.nsvpn.strongswan;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.nsvpn.chainrules.status.ChildSaStatus;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.chainrules.status.IkeSaStatus;

/**
 * Decides which SAs of one connection to terminate so that, once things settle, a connection has
 * one IKE SA and one child SA. Pure; the caller terminates.
 *
 * <p>Three sources of extra SAs, each with its rule:
 *
 * <ul>
 *   <li><b>A changed configuration.</b> The SAs negotiated under the old one are superseded: they
 *       go once an SA that is not superseded carries traffic (make before break), or once the new
 *       configuration has failed (it is what the operator asked for, and a failure must show).
 *   <li><b>Crossing initiations.</b> Both ends initiated at once and each holds two working IKE
 *       SAs. Both ends must drop the same one, or both could go, so the choice uses only what both
 *       see alike: of two IKE SAs established within {@link #STALE} of each other, the one with the
 *       higher initiator SPI stays (the SPIs are the same on both ends; establishment times are
 *       not, charon reports them in whole seconds from each end's clock). Of two established
 *       further apart the newer stays: an end that restarted knows only the new SA, so the peer
 *       must keep the new one too (usually the restarted end's INITIAL_CONTACT has already made the
 *       peer drop the old one).
 *   <li><b>Leftovers.</b> Established IKE SAs without a working child beside one that works.
 * </ul>
 *
 * <p>Of two SAs established within {@link #STALE} of each other, only the end that initiated the
 * one that goes deletes it at first; the other end waits {@link #RESPONDER_GRACE} for that DELETE,
 * so that the two ends do not both send DELETE for one SA. After the grace the responder deletes
 * too: a stock peer never deletes duplicates, and a DELETE may be lost. (An SA whose DELETE is
 * never answered is destroyed by {@link ManagedCharon} after {@link
 * ManagedCharon#DELETE_PATIENCE}.)
 *
 * <p>Nothing younger than {@link #SETTLE} is touched: a new IKE SA installs its child within
 * milliseconds, and a peer gets the time to finish what it started.
 */
final class SaHousekeeper {
  static final Duration SETTLE = Duration.ofSeconds(2);
  static final Duration STALE = Duration.ofSeconds(30);
  static final Duration RESPONDER_GRACE = Duration.ofSeconds(5);

  /** SAs a configuration change superseded. */
  record Superseded(Set<Long> ikeSas, Set<Long> childSas, boolean newConfigurationFailed) {
    static final Superseded NONE = new Superseded(Set.of(), Set.of(), false);

    boolean isEmpty() {
      return ikeSas.isEmpty() && childSas.isEmpty();
    }
  }

  /** What to terminate, and whether the superseded SAs are dealt with. */
  record Decision(List<Long> ikeSas, List<Long> childSas, boolean supersededDone) {
    static final Decision NOTHING = new Decision(List.of(), List.of(), false);

    boolean isEmpty() {
      return ikeSas.isEmpty() && childSas.isEmpty();
    }
  }

  private SaHousekeeper() {}

  /**
   * @param sas the connection's IKE SAs with its child SAs
   */
  static Decision decide(List<IkeSaStatus> sas, Superseded superseded, Instant now) {
    List<Long> ike = new ArrayList<>();
    Set<Long> children = new java.util.LinkedHashSet<>();
    boolean supersededDone = false;
    if (!superseded.isEmpty()) {
      boolean replaced =
          sas.stream()
              .anyMatch(
                  sa ->
                      sa.isEstablished()
                          && sa.installedChildren().stream()
                              .anyMatch(c -> !superseded.childSas().contains(c.uniqueId())));
      if (replaced || superseded.newConfigurationFailed()) {
        for (IkeSaStatus sa : sas) {
          boolean keepsNewChild =
              sa.childSas().stream().anyMatch(c -> !superseded.childSas().contains(c.uniqueId()));
          if (superseded.ikeSas().contains(sa.uniqueId()) && !keepsNewChild) {
            ike.add(sa.uniqueId());
          } else {
            sa.childSas().stream()
                .filter(c -> superseded.childSas().contains(c.uniqueId()))
                .forEach(c -> children.add(c.uniqueId()));
          }
        }
        supersededDone = true;
      } else {
        // Wait for the new SA; do not tidy up what is about to be replaced.
        return Decision.NOTHING;
      }
    }
    List<IkeSaStatus> remaining = sas.stream().filter(sa -> !ike.contains(sa.uniqueId())).toList();
    List<IkeSaStatus> working =
        remaining.stream().filter(ConnectionStatus::carriesTraffic).toList();
    if (!working.isEmpty() && working.stream().allMatch(sa -> settled(sa, now))) {
      IkeSaStatus keeper = keeper(working);
      for (IkeSaStatus sa : remaining) {
        if (sa == keeper || !sa.isEstablished() || !settled(sa, now)) {
          continue;
        }
        if (crossing(sa, keeper) && !sa.initiator() && !settled(sa, now, RESPONDER_GRACE)) {
          continue;
        }
        ike.add(sa.uniqueId());
      }
      children.addAll(extraChildren(keeper, children, now));
    }
    return new Decision(List.copyOf(ike), List.copyOf(children), supersededDone);
  }

  /** The working IKE SA both ends keep (see the class comment). */
  static IkeSaStatus keeper(List<IkeSaStatus> working) {
    IkeSaStatus keeper = working.get(0);
    for (IkeSaStatus other : working.subList(1, working.size())) {
      keeper = better(keeper, other);
    }
    return keeper;
  }

  private static IkeSaStatus better(IkeSaStatus a, IkeSaStatus b) {
    if (!crossing(a, b)) {
      return a.establishedAt()
              .orElse(Instant.EPOCH)
              .isAfter(b.establishedAt().orElse(Instant.EPOCH))
          ? a
          : b;
    }
    int bySpi = Long.compareUnsigned(a.initiatorSpi(), b.initiatorSpi());
    if (bySpi != 0) {
      return bySpi > 0 ? a : b;
    }
    return Long.compareUnsigned(a.responderSpi(), b.responderSpi()) >= 0 ? a : b;
  }

  /**
   * Installed child SAs of the keeper beyond one: the newest stays, or, of two installed within
   * {@link #CROSSING} of each other, the one whose higher SPI is higher (both ends see the same two
   * SPIs, in and out swapped).
   */
  private static List<Long> extraChildren(IkeSaStatus keeper, Set<Long> going, Instant now) {
    List<ChildSaStatus> installed =
        keeper.installedChildren().stream()
            .filter(c -> !going.contains(c.uniqueId()))
            .filter(c -> c.installedAt().map(t -> !t.isAfter(now.minus(SETTLE))).orElse(true))
            .toList();
    if (installed.size() < 2) {
      return List.of();
    }
    ChildSaStatus keep = installed.get(0);
    for (ChildSaStatus other : installed.subList(1, installed.size())) {
      keep = better(keep, other);
    }
    ChildSaStatus kept = keep;
    return installed.stream().filter(c -> c != kept).map(ChildSaStatus::uniqueId).toList();
  }

  private static ChildSaStatus better(ChildSaStatus a, ChildSaStatus b) {
    Instant ta = a.installedAt().orElse(Instant.EPOCH);
    Instant tb = b.installedAt().orElse(Instant.EPOCH);
    if (Duration.between(ta, tb).abs().compareTo(STALE) >= 0) {
      return ta.isAfter(tb) ? a : b;
    }
    long ka = Math.max(a.spiIn(), a.spiOut());
    long kb = Math.max(b.spiIn(), b.spiOut());
    return ka >= kb ? a : b;
  }

  private static boolean settled(IkeSaStatus sa, Instant now) {
    return settled(sa, now, Duration.ZERO);
  }

  /** Established at least {@link #SETTLE} plus {@code extra} ago (or at an unknown time). */
  private static boolean settled(IkeSaStatus sa, Instant now, Duration extra) {
    Optional<Instant> established = sa.establishedAt();
    return established.isEmpty() || !established.get().isAfter(now.minus(SETTLE).minus(extra));
  }

  /** Two SAs established close enough that both ends may hold both (see the class comment). */
  private static boolean crossing(IkeSaStatus a, IkeSaStatus b) {
    Instant ta = a.establishedAt().orElse(Instant.EPOCH);
    Instant tb = b.establishedAt().orElse(Instant.EPOCH);
    return Duration.between(ta, tb).abs().compareTo(STALE) < 0;
  }
}
