package org.nsvpn.chainrules.model;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.Identified;

/**
 * A set of object writes and deletions meant to be applied atomically, by {@link
 * Topology#apply(TopologyChange)} in memory or as one transaction by a store. An id may not be both
 * written and deleted in one change.
 *
 * @param upserts objects to create or replace (matched by id)
 * @param deletions ids of objects to delete; deleting an absent object is not an error
 */
public record TopologyChange(List<Identified> upserts, List<EntityId> deletions) {

  public static final TopologyChange EMPTY = new TopologyChange(List.of(), List.of());

  public TopologyChange {
    upserts = List.copyOf(Require.noNulls("upserts", upserts));
    deletions = List.copyOf(Require.noNulls("deletions", deletions));
    Set<EntityId> written = new HashSet<>();
    for (Identified object : upserts) {
      if (!written.add(object.id())) {
        throw new InvalidValueException(
            "upserts", object.id(), "object written twice in one change");
      }
    }
    for (EntityId id : deletions) {
      if (written.contains(id)) {
        throw new InvalidValueException(
            "deletions", id, "object both written and deleted in one change");
      }
    }
  }

  public boolean isEmpty() {
    return upserts.isEmpty() && deletions.isEmpty();
  }
}
