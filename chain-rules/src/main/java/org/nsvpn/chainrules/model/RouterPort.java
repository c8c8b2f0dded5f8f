package org.nsvpn.chainrules.model;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.MacAddress;

/**
 * A port of a router: a unicast MAC and zero or more addresses, each with the prefix length of its
 * directly connected subnet (midonet-cli's {@code address 201.201.201.1 net 201.201.201.1/24} is
 * {@code 201.201.201.1/24} here).
 */
public record RouterPort(
    PortId id,
    RouterId router,
    boolean adminStateUp,
    MacAddress mac,
    List<InterfaceAddress> addresses,
    Optional<PortId> peer,
    Optional<HostBinding> binding)
    implements Port {

  public RouterPort {
    PortChecks.check(id, peer, binding);
    Require.nonNull("router", router);
    Require.nonNull("mac", mac);
    if (!mac.isUnicast()) {
      throw new InvalidValueException(
          "mac", mac, "must be a unicast address (not multicast, not zero)");
    }
    addresses = List.copyOf(Require.noNulls("addresses", addresses));
    Set<IpAddress> seen = new HashSet<>();
    for (InterfaceAddress a : addresses) {
      if (!seen.add(a.address())) {
        throw new InvalidValueException("addresses", a, "address listed twice on port " + id);
      }
    }
  }

  /** An up, unlinked, unbound port. */
  public static RouterPort of(
      PortId id, RouterId router, MacAddress mac, InterfaceAddress... addresses) {
    return new RouterPort(
        id, router, true, mac, List.of(addresses), Optional.empty(), Optional.empty());
  }

  @Override
  public RouterId device() {
    return router;
  }

  /** True when {@code ip} is one of this port's own addresses. */
  public boolean hasAddress(IpAddress ip) {
    for (InterfaceAddress a : addresses) {
      if (a.address().equals(ip)) {
        return true;
      }
    }
    return false;
  }

  public RouterPort withAdminStateUp(boolean up) {
    return new RouterPort(id, router, up, mac, addresses, peer, binding);
  }

  public RouterPort withMac(MacAddress newMac) {
    return new RouterPort(id, router, adminStateUp, newMac, addresses, peer, binding);
  }

  public RouterPort withAddresses(List<InterfaceAddress> newAddresses) {
    return new RouterPort(id, router, adminStateUp, mac, newAddresses, peer, binding);
  }

  public RouterPort withPeer(Optional<PortId> newPeer) {
    return new RouterPort(id, router, adminStateUp, mac, addresses, newPeer, binding);
  }

  public RouterPort withBinding(Optional<HostBinding> newBinding) {
    return new RouterPort(id, router, adminStateUp, mac, addresses, peer, newBinding);
  }
}
