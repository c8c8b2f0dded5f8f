package org.nsvpn.chainrules.id;

import java.util.UUID;

/** Identifies an IPsec site connection of a VPN service. */
public record IpsecSiteConnectionId(UUID uuid) implements EntityId {

  public IpsecSiteConnectionId {
    EntityId.require("ipsec-site-connection-id", uuid);
  }

  /** A fresh random id. */
  public static IpsecSiteConnectionId random() {
    return new IpsecSiteConnectionId(UUID.randomUUID());
  }

  /** Parses the canonical UUID text. */
  public static IpsecSiteConnectionId parse(String text) {
    return new IpsecSiteConnectionId(EntityId.parseUuid("ipsec-site-connection-id", text));
  }

  @Override
  public String toString() {
    return uuid.toString();
  }
}
