package org.nsvpn.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.SecretRef;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.TopologyChange;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.topology.Cascade;
import org.nsvpn.topology.ObjectKind;
import org.nsvpn.topology.StoreSnapshot;
import org.nsvpn.topology.StoreTransaction;

/**
 * What {@code TYPE REF delete [cascade]} writes: the store's documented cascade ({@link Cascade})
 * plus the PSKs of the deleted connections that no remaining connection uses.
 *
 * <p>A deletion that would take a VPN service with it because the service depends on the deleted
 * object (its router, the port holding its external IP) is refused, naming the service, unless the
 * line says {@code cascade}. Neutron refuses to delete a router in use by a VPN service; losing a
 * service, its connections and their PSKs as a side effect of a delete that named something else is
 * too easy a mistake. Deleting the service itself still takes its connections: they are its parts,
 * as a router's ports are the router's.
 */
final class Deletion {
  private Deletion() {}

  /**
   * The transaction that deletes {@code id}.
   *
   * @throws CliException when VPN services depend on {@code id} and {@code cascade} is false
   */
  static StoreTransaction of(StoreSnapshot snapshot, EntityId id, boolean cascade) {
    Topology topology = snapshot.topology();
    TopologyChange change = Cascade.deletion(topology, id);
    if (!cascade) {
      refuseDependents(snapshot, id, change);
    }
    StoreTransaction.Builder tx = StoreTransaction.builder().change(change);
    Set<EntityId> deleted = new HashSet<>(change.deletions());
    Set<SecretRef> orphans = new LinkedHashSet<>();
    for (IpsecSiteConnection c : topology.connections()) {
      if (deleted.contains(c.id())) {
        orphans.add(c.secret());
      }
    }
    for (IpsecSiteConnection c : topology.connections()) {
      if (!deleted.contains(c.id())) {
        orphans.remove(c.secret());
      }
    }
    orphans.forEach(tx::deleteSecret);
    return tx.build();
  }

  private static void refuseDependents(StoreSnapshot snapshot, EntityId id, TopologyChange change) {
    List<String> dependents = new ArrayList<>();
    for (EntityId deleted : change.deletions()) {
      if (deleted instanceof VpnServiceId service && !deleted.equals(id)) {
        VpnService s = snapshot.topology().vpnService(service).orElseThrow();
        String why = id instanceof PortId ? "external-ip " + s.externalIp() : "router";
        dependents.add("vpn-service " + snapshot.label(service) + " (" + why + ")");
      }
    }
    if (!dependents.isEmpty()) {
      throw new CliException(
          "cannot delete "
              + ObjectKind.of(id).name()
              + " "
              + snapshot.label(id)
              + ": in use by "
              + String.join(", ", dependents)
              + "; delete that first, or add 'cascade' to delete it too, with its"
              + " ipsec-site-connections and their PSKs");
    }
  }
}
