package org.nsvpn.chainrules.vpn;

import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.MacAddress;

/** A permanent neighbour (ARP) entry: {@code address} is always at {@code mac}. */
public record StaticNeighbour(IpAddress address, MacAddress mac) {
  public StaticNeighbour {
    Require.nonNull("neighbour address", address);
    Require.nonNull("neighbour mac", mac);
    if (!mac.isUnicast()) {
      throw new InvalidValueException("neighbour mac", mac, "must be a unicast address");
    }
  }
}
