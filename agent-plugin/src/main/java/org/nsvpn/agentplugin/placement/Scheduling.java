package org.nsvpn.agentplugin.placement;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.GatewayGroup;
import org.nsvpn.chainrules.model.Host;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.topology.status.GatewayAssignment;
import org.nsvpn.topology.status.PlacementReason;

/**
 * The scheduler's rules, as a pure function of what it sees (so that they are tested without a
 * cluster):
 *
 * <ul>
 *   <li>A host is <em>usable</em> for a service when it is a member of the service's gateway group,
 *       alive (its liveness node exists) and not in maintenance.
 *   <li>A service without an assignment goes to the usable member with the fewest services (ties:
 *       the lowest host id).
 *   <li>Assignments are stable: a service moves only when its host is no longer a member, is dead,
 *       or is in maintenance, and only if a usable member exists (otherwise it stays where it is,
 *       which is nowhere useful for a dead host, but moves nothing around).
 *   <li>A drain moves one service at a time: no service leaves a host in maintenance while another
 *       service moved for maintenance is not yet settled on its new host.
 *   <li>A service that no longer has a gateway group loses its assignment.
 * </ul>
 */
final class Scheduling {
  private Scheduling() {}

  /**
   * What the scheduler writes: new or changed assignments, and services to unassign.
   *
   * @param drainWaiting true when a service of a host in maintenance stays put until the service
   *     moved before it settles: the scheduler looks again soon
   */
  record Decision(
      List<GatewayAssignment> assign, List<VpnServiceId> unassign, boolean drainWaiting) {
    Decision {
      assign = List.copyOf(assign);
      unassign = List.copyOf(unassign);
    }

    boolean isEmpty() {
      return assign.isEmpty() && unassign.isEmpty();
    }
  }

  /**
   * Decides the writes that bring {@code current} in line with the rules above.
   *
   * @param alive the hosts whose agents hold a ZooKeeper session
   * @param settled true for a service that runs on its assigned host (reported active there)
   */
  static Decision decide(
      Topology topology,
      Set<HostId> alive,
      Map<VpnServiceId, GatewayAssignment> current,
      Predicate<VpnServiceId> settled,
      Instant now) {
    Map<HostId, Integer> load = new HashMap<>();
    current.values().forEach(a -> load.merge(a.host(), 1, Integer::sum));
    boolean drainInFlight =
        current.values().stream()
            .anyMatch(
                a -> a.reason() == PlacementReason.HOST_MAINTENANCE && !settled.test(a.service()));
    List<GatewayAssignment> assign = new ArrayList<>();
    List<VpnServiceId> unassign = new ArrayList<>();
    boolean drainWaiting = false;
    List<VpnService> services = new ArrayList<>(topology.vpnServices());
    services.sort(Comparator.comparing(VpnService::id, EntityId.ORDER));
    for (VpnService service : services) {
      Optional<GatewayAssignment> existing = Optional.ofNullable(current.get(service.id()));
      Optional<GatewayGroup> group = service.gatewayGroup().flatMap(topology::gatewayGroup);
      if (group.isEmpty()) {
        existing.ifPresent(a -> unassign.add(a.service()));
        continue;
      }
      Predicate<HostId> usable =
          h ->
              group.get().members().contains(h)
                  && alive.contains(h)
                  && !topology.host(h).map(Host::maintenance).orElse(true);
      Optional<PlacementReason> why =
          existing.flatMap(a -> reasonToMove(a, group.get(), alive, topology));
      if (existing.isPresent() && why.isEmpty()) {
        continue;
      }
      if (why.equals(Optional.of(PlacementReason.HOST_MAINTENANCE)) && drainInFlight) {
        drainWaiting = true;
        continue;
      }
      Optional<HostId> target =
          group.get().members().stream()
              .filter(usable)
              .min(
                  Comparator.<HostId>comparingInt(h -> load.getOrDefault(h, 0))
                      .thenComparing(EntityId.ORDER));
      if (target.isEmpty()) {
        if (why.equals(Optional.of(PlacementReason.NOT_A_MEMBER))) {
          unassign.add(service.id());
          load.merge(existing.get().host(), -1, Integer::sum);
        }
        continue;
      }
      GatewayAssignment next =
          existing.isEmpty()
              ? new GatewayAssignment(
                  service.id(), target.get(), Optional.empty(), PlacementReason.PLACED, now)
              : existing.get().movedTo(target.get(), why.get(), now);
      existing.ifPresent(a -> load.merge(a.host(), -1, Integer::sum));
      load.merge(target.get(), 1, Integer::sum);
      assign.add(next);
      if (next.reason() == PlacementReason.HOST_MAINTENANCE) {
        drainInFlight = true;
      }
    }
    return new Decision(assign, unassign, drainWaiting);
  }

  /** Why {@code a} must move, or empty when it may stay. */
  private static Optional<PlacementReason> reasonToMove(
      GatewayAssignment a, GatewayGroup group, Set<HostId> alive, Topology topology) {
    if (!group.members().contains(a.host())) {
      return Optional.of(PlacementReason.NOT_A_MEMBER);
    }
    if (!alive.contains(a.host())) {
      return Optional.of(PlacementReason.HOST_DEAD);
    }
    if (topology.host(a.host()).map(Host::maintenance).orElse(false)) {
      return Optional.of(PlacementReason.HOST_MAINTENANCE);
    }
    return Optional.empty();
  }
}
