package org.nsvpn.agentplugin.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.id.GatewayGroupId;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.GatewayGroup;
import org.nsvpn.chainrules.model.Host;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.topology.status.GatewayAssignment;
import org.nsvpn.topology.status.PlacementReason;

class SchedulingTest {
  private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");

  private final HostId h1 = new HostId(new java.util.UUID(0, 1));
  private final HostId h2 = new HostId(new java.util.UUID(0, 2));
  private final HostId h3 = new HostId(new java.util.UUID(0, 3));
  private final GatewayGroupId group = GatewayGroupId.random();
  private final RouterId router = RouterId.random();

  private Topology topology(Set<HostId> members, Set<HostId> maintenance, VpnService... services) {
    Topology.Builder b = Topology.builder();
    for (HostId h : List.of(h1, h2, h3)) {
      b.put(
          new Host(h, "host" + h.uuid().getLeastSignificantBits())
              .withMaintenance(maintenance.contains(h)));
    }
    b.put(new GatewayGroup(group, "gw0", members));
    b.put(new Router(router, "r", true, Optional.empty(), Optional.empty(), Optional.empty()));
    for (VpnService s : services) {
      b.put(s);
    }
    return b.build();
  }

  private VpnService service(int n) {
    return new VpnService(
            new VpnServiceId(new java.util.UUID(1, n)),
            "vpn" + n,
            router,
            IpAddress.parse("192.0.2." + n),
            true)
        .withGatewayGroup(Optional.of(group));
  }

  private static Map<VpnServiceId, GatewayAssignment> apply(
      Map<VpnServiceId, GatewayAssignment> current, Scheduling.Decision d) {
    Map<VpnServiceId, GatewayAssignment> next = new HashMap<>(current);
    d.assign().forEach(a -> next.put(a.service(), a));
    d.unassign().forEach(next::remove);
    return next;
  }

  private static GatewayAssignment on(VpnService s, HostId h) {
    return new GatewayAssignment(s.id(), h, Optional.empty(), PlacementReason.PLACED, NOW);
  }

  @Test
  void newServicesAreSpreadOverTheAliveMembers() {
    VpnService[] services = {service(1), service(2), service(3), service(4)};
    Topology t = topology(Set.of(h1, h2, h3), Set.of(), services);
    Scheduling.Decision d = Scheduling.decide(t, Set.of(h1, h2), Map.of(), id -> true, NOW);
    assertThat(d.assign()).hasSize(4);
    assertThat(d.assign()).allMatch(a -> a.reason() == PlacementReason.PLACED);
    assertThat(d.assign().stream().filter(a -> a.host().equals(h1))).hasSize(2);
    assertThat(d.assign().stream().filter(a -> a.host().equals(h2))).hasSize(2);
  }

  @Test
  void aHostJoiningMovesNothing() {
    VpnService a = service(1);
    VpnService b = service(2);
    Topology t = topology(Set.of(h1, h2, h3), Set.of(), a, b);
    Map<VpnServiceId, GatewayAssignment> current = Map.of(a.id(), on(a, h1), b.id(), on(b, h1));
    assertThat(Scheduling.decide(t, Set.of(h1, h2, h3), current, id -> true, NOW).isEmpty())
        .isTrue();
  }

  @Test
  void onlyTheServicesOfADeadHostMove() {
    VpnService a = service(1);
    VpnService b = service(2);
    Topology t = topology(Set.of(h1, h2, h3), Set.of(), a, b);
    Map<VpnServiceId, GatewayAssignment> current = Map.of(a.id(), on(a, h1), b.id(), on(b, h2));
    Scheduling.Decision d = Scheduling.decide(t, Set.of(h2, h3), current, id -> true, NOW);
    assertThat(d.assign()).hasSize(1);
    GatewayAssignment moved = d.assign().get(0);
    assertThat(moved.service()).isEqualTo(a.id());
    assertThat(moved.host()).isEqualTo(h3);
    assertThat(moved.previous()).contains(h1);
    assertThat(moved.reason()).isEqualTo(PlacementReason.HOST_DEAD);
  }

  @Test
  void aServiceStaysOnItsDeadHostWhenNoMemberIsUsable() {
    VpnService a = service(1);
    Topology t = topology(Set.of(h1, h2), Set.of(h2), a);
    Map<VpnServiceId, GatewayAssignment> current = Map.of(a.id(), on(a, h1));
    assertThat(Scheduling.decide(t, Set.of(h2, h3), current, id -> true, NOW).isEmpty()).isTrue();
    assertThat(Scheduling.decide(t, Set.of(h3), Map.of(), id -> true, NOW).isEmpty()).isTrue();
  }

  @Test
  void aDrainMovesOneServiceAtATimeAndWaitsUntilItIsSettled() {
    VpnService a = service(1);
    VpnService b = service(2);
    Topology t = topology(Set.of(h1, h2), Set.of(h1), a, b);
    Map<VpnServiceId, GatewayAssignment> current = Map.of(a.id(), on(a, h1), b.id(), on(b, h1));
    Set<HostId> alive = Set.of(h1, h2);

    Scheduling.Decision first = Scheduling.decide(t, alive, current, id -> false, NOW);
    assertThat(first.assign()).hasSize(1);
    assertThat(first.assign().get(0).reason()).isEqualTo(PlacementReason.HOST_MAINTENANCE);
    assertThat(first.assign().get(0).host()).isEqualTo(h2);
    current = apply(current, first);

    Scheduling.Decision waiting = Scheduling.decide(t, alive, current, id -> false, NOW);
    assertThat(waiting.isEmpty()).as("the second waits while the first is not settled").isTrue();
    assertThat(waiting.drainWaiting()).isTrue();
    assertThat(first.drainWaiting()).as("the first round moved one and held the other").isTrue();
    Scheduling.Decision second = Scheduling.decide(t, alive, current, id -> true, NOW);
    assertThat(second.assign()).hasSize(1);
    assertThat(second.assign().get(0).service()).isNotEqualTo(first.assign().get(0).service());
    current = apply(current, second);
    assertThat(current.values()).allMatch(x -> x.host().equals(h2));
    assertThat(Scheduling.decide(t, alive, current, id -> true, NOW).isEmpty()).isTrue();
  }

  @Test
  void aHostLeavingTheGroupLosesItsServicesAndAServiceWithoutGroupLosesItsAssignment() {
    VpnService a = service(1);
    VpnService b = service(2).withGatewayGroup(Optional.empty());
    Topology t = topology(Set.of(h2), Set.of(), a, b);
    Map<VpnServiceId, GatewayAssignment> current = Map.of(a.id(), on(a, h1), b.id(), on(b, h1));
    Scheduling.Decision d = Scheduling.decide(t, Set.of(h1, h2), current, id -> true, NOW);
    assertThat(d.assign())
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.host()).isEqualTo(h2);
              assertThat(x.reason()).isEqualTo(PlacementReason.NOT_A_MEMBER);
            });
    assertThat(d.unassign()).containsExactly(b.id());

    Topology empty = topology(Set.of(), Set.of(), a);
    assertThat(
            Scheduling.decide(empty, Set.of(h1, h2), Map.of(a.id(), on(a, h1)), id -> true, NOW)
                .unassign())
        .as("no member left: nobody runs it")
        .containsExactly(a.id());
  }
}
