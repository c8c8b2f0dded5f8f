package org.nsvpn.chainrules.id;

import java.util.UUID;

/** Identifies a VPN service attached to a router. */
public record VpnServiceId(UUID uuid) implements EntityId {

  public VpnServiceId {
    EntityId.require("vpn-service-id", uuid);
  }

  /** A fresh random id. */
  public static VpnServiceId random() {
    return new VpnServiceId(UUID.randomUUID());
  }

  /** Parses the canonical UUID text. */
  public static VpnServiceId parse(String text) {
    return new VpnServiceId(EntityId.parseUuid("vpn-service-id", text));
  }

  @Override
  public String toString() {
    return uuid.toString();
  }
}
