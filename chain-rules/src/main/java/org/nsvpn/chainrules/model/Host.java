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
 * @param maintenance true while an operator drains the host: the scheduler moves the VPN services
 *     placed on it to other members of their gateway groups and places nothing new on it
 */
public record Host(HostId id, String name, Optional<Ipv4Address> tunnelAddress, boolean maintenance)
    implements Identified {
  public Host {
    Require.nonNull("host id", id);
    Require.name("host name", name);
    Require.nonNull("tunnel address", tunnelAddress);
  }

  /** A host in service, without a tunnel address. */
  public Host(HostId id, String name) {
    this(id, name, Optional.empty(), false);
  }

  /** A host in service. */
  public Host(HostId id, String name, Optional<Ipv4Address> tunnelAddress) {
    this(id, name, tunnelAddress, false);
  }

  public Host withName(String newName) {
    return new Host(id, newName, tunnelAddress, maintenance);
  }

  public Host withTunnelAddress(Optional<Ipv4Address> address) {
    return new Host(id, name, address, maintenance);
  }

  public Host withMaintenance(boolean drained) {
    return new Host(id, name, tunnelAddress, drained);
  }
}
