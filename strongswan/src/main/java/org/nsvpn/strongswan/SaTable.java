package org.nsvpn.strongswan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.nsvpn.chainrules.status.ChildSaStatus;
import org.nsvpn.chainrules.status.IkeSaStatus;
import org.nsvpn.chainrules.status.SaCounters;
import org.nsvpn.strongswan.vici.ViciSection;
import org.nsvpn.strongswan.vici.ViciSession;

/**
 * The IKE SAs of one charon as nsvpn knows them, by charon's unique id, kept current by VICI events
 * as they arrive and replaced whole by each {@code list-sas}.
 *
 * <p>What the events carry (strongSwan 5.9, verified against a real charon): {@code ike-updown} has
 * an {@code up} flag and one section per IKE SA named by its config, without child SAs when going
 * down; {@code child-updown} has the flag and the IKE SA with only the child SA concerned; {@code
 * ike-rekey} has {@code old} and {@code new} IKE SAs, neither with child SAs (they move to the new
 * one); {@code child-rekey} has the IKE SA with, per child config, an {@code old} and a {@code new}
 * child SA. A down event arrives for the IKE SA before the down events of its child SAs.
 *
 * <p>A listing that was requested before an event arrived may predate it: {@link #generation()}
 * lets the caller tell, so that it applies only listings younger than the last event.
 *
 * <p>Not thread-safe: confined to its instance's serial executor.
 */
final class SaTable {
  private record Entry(String config, IkeSaStatus sa) {}

  private final Map<Long, Entry> byId = new LinkedHashMap<>();

  /** Per config: the traffic of child SAs gone before the last listing, summed. */
  private final Map<String, SaCounters> folded = new HashMap<>();

  /**
   * Per config: child SAs gone since the last listing, by unique id, so that a later event about
   * one (charon sends a child's down event after its IKE SA's) replaces its counters rather than
   * adding them again.
   */
  private final Map<String, Map<Long, SaCounters>> recent = new HashMap<>();

  private long generation;

  /** Counts the events applied; a listing requested at generation g is stale once it moved. */
  long generation() {
    return generation;
  }

  /**
   * Replaces everything with a listing. Child SAs that are no longer listed (a rekeyed one, which
   * charon deletes without an event) are retired with their last known counters.
   */
  void listed(List<SaParser.Listed> sas) {
    Map<Long, ChildSaStatus> listedChildren = new HashMap<>();
    for (SaParser.Listed l : sas) {
      l.sa().childSas().forEach(c -> listedChildren.put(c.uniqueId(), c));
    }
    for (Entry e : byId.values()) {
      for (ChildSaStatus c : e.sa().childSas()) {
        if (!listedChildren.containsKey(c.uniqueId())) {
          retire(c);
        }
      }
    }
    byId.clear();
    for (SaParser.Listed l : sas) {
      byId.put(l.sa().uniqueId(), new Entry(l.config(), l.sa()));
    }
    fold();
  }

  /** Forgets every SA (charon is gone); their traffic is retired. */
  void clear() {
    byId.values().forEach(e -> e.sa().childSas().forEach(this::retire));
    byId.clear();
    fold();
    generation++;
  }

  /**
   * The traffic of config {@code config}'s child SAs that are gone, as last known: what keeps a
   * connection's counters from going back when SAs are rekeyed, closed or replaced.
   */
  SaCounters retired(String config) {
    SaCounters sum = folded.getOrDefault(config, SaCounters.ZERO);
    for (SaCounters c : recent.getOrDefault(config, Map.of()).values()) {
      sum = sum.plus(c);
    }
    return sum;
  }

  /** Drops the retired traffic of every config but {@code configs}: those no longer tracked. */
  void keepRetiredOf(Set<String> configs) {
    folded.keySet().retainAll(configs);
    recent.keySet().retainAll(configs);
  }

  private void retire(ChildSaStatus child) {
    recent
        .computeIfAbsent(child.name(), n -> new HashMap<>())
        .put(child.uniqueId(), child.counters());
  }

  /** True when {@code child} was retired since the last listing. */
  private boolean retiredRecently(ChildSaStatus child) {
    return recent.getOrDefault(child.name(), Map.of()).containsKey(child.uniqueId());
  }

  /** A listing confirmed what is gone: no event about those child SAs can follow. */
  private void fold() {
    recent.forEach(
        (config, byChild) ->
            byChild.values().forEach(c -> folded.merge(config, c, SaCounters::plus)));
    recent.clear();
  }

  /** The IKE SAs of config {@code config}, each with only that config's child SAs. */
  List<IkeSaStatus> of(String config) {
    List<IkeSaStatus> out = new ArrayList<>();
    for (Entry e : byId.values()) {
      if (e.config().equals(config)) {
        IkeSaStatus sa = e.sa();
        List<ChildSaStatus> mine =
            sa.childSas().stream().filter(c -> c.name().equals(config)).toList();
        out.add(mine.size() == sa.childSas().size() ? sa : sa.withChildSas(mine));
      }
    }
    return out;
  }

  /** The IKE SA with unique id {@code id}, if known, with its config name. */
  Optional<SaParser.Listed> get(long id) {
    Entry e = byId.get(id);
    return e == null ? Optional.empty() : Optional.of(new SaParser.Listed(e.config(), e.sa()));
  }

  /**
   * Applies one event.
   *
   * @return the IKE SAs it took away (an {@code ike-updown} going down), for the caller to judge
   *     why they went
   */
  List<SaParser.Listed> apply(ViciSession.Event event, ViciSection message, Instant now) {
    generation++;
    boolean up = message.flag("up");
    List<SaParser.Listed> gone = new ArrayList<>();
    for (Map.Entry<String, ViciSection> section : message.sections().entrySet()) {
      String config = section.getKey();
      ViciSection body = section.getValue();
      switch (event) {
        case IKE_UPDOWN -> {
          Optional<SaParser.Listed> sa = SaParser.ike(config, body, now);
          if (sa.isEmpty()) {
            continue;
          }
          long id = sa.get().sa().uniqueId();
          if (up) {
            List<ChildSaStatus> children = childrenOf(id);
            IkeSaStatus next = sa.get().sa();
            byId.put(
                id,
                new Entry(config, next.childSas().isEmpty() ? next.withChildSas(children) : next));
          } else {
            Entry removed = byId.remove(id);
            if (removed != null) {
              // Children without their own child-updown go with the IKE SA, at last known counters.
              removed.sa().childSas().forEach(this::retire);
            }
            gone.add(
                removed != null ? new SaParser.Listed(removed.config(), removed.sa()) : sa.get());
          }
        }
        case CHILD_UPDOWN -> {
          Optional<SaParser.Listed> sa = SaParser.ike(config, body, now);
          if (sa.isEmpty()) {
            continue;
          }
          long id = sa.get().sa().uniqueId();
          List<ChildSaStatus> children = new ArrayList<>(childrenOf(id));
          for (ChildSaStatus child : sa.get().sa().childSas()) {
            boolean known = children.removeIf(c -> c.uniqueId() == child.uniqueId());
            if (up) {
              children.add(child);
            } else if (known || retiredRecently(child)) {
              // The event carries the child SA's final counters.
              retire(child);
            }
          }
          if (up || byId.containsKey(id)) {
            byId.put(id, new Entry(config, sa.get().sa().withChildSas(children)));
          }
        }
        case IKE_REKEY -> {
          Optional<SaParser.Listed> old =
              body.section("old").flatMap(s -> SaParser.ike(config, s, now));
          Optional<SaParser.Listed> fresh =
              body.section("new").flatMap(s -> SaParser.ike(config, s, now));
          List<ChildSaStatus> moved = List.of();
          if (old.isPresent()) {
            Entry before = byId.remove(old.get().sa().uniqueId());
            moved = before == null ? List.of() : before.sa().childSas();
          }
          if (fresh.isPresent()) {
            IkeSaStatus next = fresh.get().sa();
            byId.put(
                next.uniqueId(),
                new Entry(config, next.childSas().isEmpty() ? next.withChildSas(moved) : next));
          }
        }
        case CHILD_REKEY -> {
          Optional<SaParser.Listed> sa = SaParser.ike(config, withoutChildren(body), now);
          if (sa.isEmpty()) {
            continue;
          }
          long id = sa.get().sa().uniqueId();
          List<ChildSaStatus> children = new ArrayList<>(childrenOf(id));
          for (ViciSection pair :
              body.section("child-sas").map(ViciSection::sections).orElse(Map.of()).values()) {
            pair.section("old")
                .flatMap(s -> SaParser.child(s, now))
                .ifPresent(
                    old -> {
                      children.removeIf(c -> c.uniqueId() == old.uniqueId());
                      children.add(old);
                    });
            pair.section("new")
                .flatMap(s -> SaParser.child(s, now))
                .ifPresent(
                    fresh -> {
                      children.removeIf(c -> c.uniqueId() == fresh.uniqueId());
                      children.add(fresh);
                    });
          }
          byId.put(id, new Entry(config, sa.get().sa().withChildSas(children)));
        }
      }
    }
    return gone;
  }

  private List<ChildSaStatus> childrenOf(long ikeId) {
    Entry e = byId.get(ikeId);
    return e == null ? List.of() : e.sa().childSas();
  }

  private static ViciSection withoutChildren(ViciSection body) {
    ViciSection.Builder b = ViciSection.builder();
    body.entries()
        .forEach(
            (name, element) -> {
              if (!name.equals("child-sas")) {
                b.put(name, element);
              }
            });
    return b.build();
  }
}
