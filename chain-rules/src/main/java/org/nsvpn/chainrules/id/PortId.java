package org.nsvpn.chainrules.id;

import java.util.UUID;

/** Identifies a port of a router or a bridge. */
public record PortId(UUID uuid) implements EntityId {

  public PortId {
    EntityId.require("port-id", uuid);
  }

  /** A fresh random id. */
  public static PortId random() {
    return new PortId(UUID.randomUUID());
  }

  /** Parses the canonical UUID text. */
  public static PortId parse(String text) {
    return new PortId(EntityId.parseUuid("port-id", text));
  }

  @Override
  public String toString() {
    return uuid.toString();
  }
}
