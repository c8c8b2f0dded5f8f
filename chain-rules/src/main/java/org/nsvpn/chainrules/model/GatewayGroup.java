package org.nsvpn.chainrules.model;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.GatewayGroupId;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.Identified;

/**
 * Hosts that may run the VPN namespaces of the services that name this group. The cluster's
 * scheduler places each such service on one alive member that is not in maintenance, and moves it
 * when that host dies or is drained (see docs/architecture.md, "Gateway groups").
 *
 * @param members the member hosts, in id order; may be empty (its services then run nowhere)
 */
public record GatewayGroup(GatewayGroupId id, String name, Set<HostId> members)
    implements Identified {

  public GatewayGroup {
    Require.nonNull("gateway-group id", id);
    Require.name("gateway-group name", name);
    Require.nonNull("members", members);
    TreeSet<HostId> sorted = new TreeSet<>(EntityId.ORDER);
    members.forEach(m -> sorted.add(Require.nonNull("member", m)));
    members = Collections.unmodifiableSet(sorted);
  }

  public GatewayGroup withMembers(Set<HostId> newMembers) {
    return new GatewayGroup(id, name, newMembers);
  }
}
