package org.nsvpn.chainrules.id;

import java.util.UUID;

/** Identifies a route of a router. */
public record RouteId(UUID uuid) implements EntityId {

  public RouteId {
    EntityId.require("route-id", uuid);
  }

  /** A fresh random id. */
  public static RouteId random() {
    return new RouteId(UUID.randomUUID());
  }

  /** Parses the canonical UUID text. */
  public static RouteId parse(String text) {
    return new RouteId(EntityId.parseUuid("route-id", text));
  }

  @Override
  public String toString() {
    return uuid.toString();
  }
}
