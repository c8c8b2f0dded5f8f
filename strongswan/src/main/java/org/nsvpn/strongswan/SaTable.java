package org.nsvpn.strongswan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nsvpn.chainrules.status.ChildSaStatus;
import org.nsvpn.chainrules.status.IkeSaStatus;
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
  private long generation;

  /** Counts the events applied; a listing requested at generation g is stale once it moved. */
  long generation() {
    return generation;
  }

  /** Replaces everything with a listing. */
  void listed(List<SaParser.Listed> sas) {
    byId.clear();
    for (SaParser.Listed l : sas) {
      byId.put(l.sa().uniqueId(), new Entry(l.config(), l.sa()));
    }
  }

  /** Forgets every SA (charon is gone). */
  void clear() {
    byId.clear();
    generation++;
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
            children.removeIf(c -> c.uniqueId() == child.uniqueId());
            if (up) {
              children.add(child);
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
