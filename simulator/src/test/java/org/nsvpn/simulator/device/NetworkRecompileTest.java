package org.nsvpn.simulator.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouteId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.TopologyChange;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.Ipv4Subnet;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.routing.Route;

/**
 * A network recompiled for the next snapshot keeps the compiled routers (and route tables) of the
 * routers the change did not touch, and only those.
 */
class NetworkRecompileTest {
  private final RouterId r1 = RouterId.random();
  private final RouterId r2 = RouterId.random();
  private final PortId p1 = PortId.random();
  private final PortId p2 = PortId.random();

  private final Topology base =
      Topology.builder()
          .put(Router.of(r1, "r1"))
          .put(Router.of(r2, "r2"))
          .put(port(p1, r1, "10.0.1.1/24"))
          .put(port(p2, r2, "10.0.2.1/24"))
          .build();

  @Test
  void untouchedRoutersKeepTheirTablesAndTouchedOnesGetTheirNewRoutes() {
    Network first = Network.compile(base, true, 16);
    Route added =
        Route.normal(
            RouteId.random(),
            r2,
            Ipv4Subnet.parse("192.0.2.0/24"),
            p2,
            Optional.of(IpAddress.parse("10.0.2.254")));
    Topology next = base.apply(new TopologyChange(List.of(added), List.of()));

    Network second = first.recompile(next, true, 16);

    assertThat(second.routeTable(r1)).isSameAs(first.routeTable(r1));
    assertThat(second.routeTable(r2)).isNotSameAs(first.routeTable(r2));
    assertThat(second.router(r1)).isSameAs(first.router(r1));
    assertThat(second.router(r2)).isNotSameAs(first.router(r2));
    assertThat(second.port(p1)).isSameAs(first.port(p1));
    assertThat(second.port(p2)).isNotSameAs(first.port(p2));
    assertThat(second.port(p2).router).isSameAs(second.router(r2));
    assertThat(second.routeTable(r2).routes()).contains(added);
    for (RouterId r : List.of(r1, r2)) {
      assertThat(second.routeTable(r).routes())
          .containsExactlyInAnyOrderElementsOf(
              Network.compile(next, true, 16).routeTable(r).routes());
    }
  }

  @Test
  void aReaddressedPortRebuildsItsRoutersTable() {
    Network first = Network.compile(base, true, 16);
    Topology next = base.apply(new TopologyChange(List.of(port(p1, r1, "10.0.9.1/24")), List.of()));

    Network second = first.recompile(next, true, 16);

    assertThat(second.routeTable(r2)).isSameAs(first.routeTable(r2));
    assertThat(second.routeTable(r1).lookup(anyHost(), IpAddress.parse("10.0.9.7"))).isPresent();
    assertThat(second.routeTable(r1).lookup(anyHost(), IpAddress.parse("10.0.1.7"))).isEmpty();
  }

  @Test
  void aRouterWhoseObjectChangedIsRebuiltWithItsTableKept() {
    Network first = Network.compile(base, true, 16);
    Topology next =
        base.apply(
            new TopologyChange(List.of(Router.of(r1, "r1").withAdminStateUp(false)), List.of()));

    Network second = first.recompile(next, true, 16);

    assertThat(second.router(r1)).isNotSameAs(first.router(r1));
    assertThat(second.router(r1).router.adminStateUp()).isFalse();
    assertThat(second.routeTable(r1)).isSameAs(first.routeTable(r1));
    assertThat(second.port(p1).router).isSameAs(second.router(r1));
    assertThat(second.router(r2)).isSameAs(first.router(r2));
  }

  @Test
  void routersLinkedToAnotherDeviceAreAlwaysRebuilt() {
    PortId a = PortId.random();
    PortId b = PortId.random();
    Topology linked =
        base.toBuilder()
            .put(port(a, r1, "10.0.3.1/24").withPeer(Optional.of(b)))
            .put(port(b, r2, "10.0.3.2/24").withPeer(Optional.of(a)))
            .build();
    Network first = Network.compile(linked, true, 16);
    Topology next = linked.apply(new TopologyChange(List.of(Router.of(r2, "renamed")), List.of()));

    Network second = first.recompile(next, true, 16);

    assertThat(second.router(r1)).isNotSameAs(first.router(r1));
    assertThat(second.port(a).peer).isSameAs(second.port(b));
    assertThat(second.port(b).peer).isSameAs(second.port(a));
    assertThat(second.port(a).router).isSameAs(second.router(r1));
  }

  private static IpAddress anyHost() {
    return IpAddress.parse("198.51.100.1");
  }

  private static RouterPort port(PortId id, RouterId router, String address) {
    return RouterPort.of(
        id, router, MacAddress.parse("02:00:00:00:00:01"), InterfaceAddress.parse(address));
  }
}
