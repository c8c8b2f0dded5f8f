package org.nsvpn.chainrules.model;

import java.util.Optional;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.net.Ipv4Address;

/**
 * A physical host that runs an agent and to whose interfaces exterior ports are bound.
 *
 * @param tunnelAddress the host's underlay address: other agents send it, VXLAN-encapsulated, the
 *     frames leaving by ports bound here (see docs/architecture.md, "Overlay"); empty for a host
 *     whose agent has not published one (it can then only serve frames that enter on it)
 */
public record Host(HostId id, String name, Optional<Ipv4Address> tunnelAddress)
    implements Identified {
  public Host {
    Require.nonNull("host id", id);
    Require.name("host name", name);
    Require.nonNull("tunnel address", tunnelAddress);
  }

  /** A host without a tunnel address. */
  public Host(HostId id, String name) {
    this(id, name, Optional.empty());
  }

  public Host withName(String newName) {
    return new Host(id, newName, tunnelAddress);
  }

  public Host withTunnelAddress(Optional<Ipv4Address> address) {
    return new Host(id, name, address);
  }
}
