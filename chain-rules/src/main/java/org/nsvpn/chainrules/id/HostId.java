package org.nsvpn.chainrules.id;

import java.util.UUID;

/** Identifies a physical host running an agent. */
public record HostId(UUID uuid) implements EntityId {

  public HostId {
    EntityId.require("host-id", uuid);
  }

  /** A fresh random id. */
  public static HostId random() {
    return new HostId(UUID.randomUUID());
  }

  /** Parses the canonical UUID text. */
  public static HostId parse(String text) {
    return new HostId(EntityId.parseUuid("host-id", text));
  }

  @Override
  public String toString() {
    return uuid.toString();
  }
}
