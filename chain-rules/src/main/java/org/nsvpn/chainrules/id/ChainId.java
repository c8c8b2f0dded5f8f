package org.nsvpn.chainrules.id;

import java.util.UUID;

/** Identifies a rule chain. */
public record ChainId(UUID uuid) implements EntityId {

  public ChainId {
    EntityId.require("chain-id", uuid);
  }

  /** A fresh random id. */
  public static ChainId random() {
    return new ChainId(UUID.randomUUID());
  }

  /** Parses the canonical UUID text. */
  public static ChainId parse(String text) {
    return new ChainId(EntityId.parseUuid("chain-id", text));
  }

  @Override
  public String toString() {
    return uuid.toString();
  }
}
