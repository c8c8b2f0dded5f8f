package org.nsvpn.chainrules.id;

import java.util.UUID;

/** Identifies a virtual router. */
public record RouterId(UUID uuid) implements EntityId, DeviceId {

  public RouterId {
    EntityId.require("router-id", uuid);
  }

  /** A fresh random id. */
  public static RouterId random() {
    return new RouterId(UUID.randomUUID());
  }

  /** Parses the canonical UUID text. */
  public static RouterId parse(String text) {
    return new RouterId(EntityId.parseUuid("router-id", text));
  }

  @Override
  public String toString() {
    return uuid.toString();
  }
}
