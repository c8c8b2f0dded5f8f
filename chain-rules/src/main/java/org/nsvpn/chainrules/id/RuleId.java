package org.nsvpn.chainrules.id;

import java.util.UUID;

/** Identifies a rule within a chain. */
public record RuleId(UUID uuid) implements EntityId {

  public RuleId {
    EntityId.require("rule-id", uuid);
  }

  /** A fresh random id. */
  public static RuleId random() {
    return new RuleId(UUID.randomUUID());
  }

  /** Parses the canonical UUID text. */
  public static RuleId parse(String text) {
    return new RuleId(EntityId.parseUuid("rule-id", text));
  }

  @Override
  public String toString() {
    return uuid.toString();
  }
}
