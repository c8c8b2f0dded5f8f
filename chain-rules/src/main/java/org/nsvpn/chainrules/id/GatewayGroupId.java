package org.nsvpn.chainrules.id;

import java.util.UUID;

/** Identifies a gateway group: the hosts among which a VPN service's namespace may be placed. */
public record GatewayGroupId(UUID uuid) implements EntityId {

  public GatewayGroupId {
    EntityId.require("gateway-group-id", uuid);
  }

  /** A fresh random id. */
  public static GatewayGroupId random() {
    return new GatewayGroupId(UUID.randomUUID());
  }

  /** Parses the canonical UUID text. */
  public static GatewayGroupId parse(String text) {
    return new GatewayGroupId(EntityId.parseUuid("gateway-group-id", text));
  }

  @Override
  public String toString() {
    return uuid.toString();
  }
}
