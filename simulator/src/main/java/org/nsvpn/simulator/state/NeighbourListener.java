package org.nsvpn.simulator.state;

import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.MacAddress;

/**
 * Told when a router's simulation learns a neighbour (new, changed, or refreshed half way to its
 * expiry). Called on the simulating thread, inside the datapath's frame loop: hand the news off,
 * never block.
 */
@FunctionalInterface
public interface NeighbourListener {
  NeighbourListener NONE = (router, port, ip, mac) -> {};

  void learned(RouterId router, PortId port, IpAddress ip, MacAddress mac);
}
