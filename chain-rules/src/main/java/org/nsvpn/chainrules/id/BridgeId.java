package org.nsvpn.chainrules.id;

import java.util.UUID;

/** Identifies a virtual bridge (L2 switch). */
public record BridgeId(UUID uuid) implements EntityId, DeviceId {

  public BridgeId {
    EntityId.require("bridge-id", uuid);
  }

  /** A fresh random id. */
  public static BridgeId random() {
    return new BridgeId(UUID.randomUUID());
  }

  /** Parses the canonical UUID text. */
  public static BridgeId parse(String text) {
    return new BridgeId(EntityId.parseUuid("bridge-id", text));
  }

  @Override
  public String toString() {
    return uuid.toString();
  }
}
