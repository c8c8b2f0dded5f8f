package org.nsvpn.chainrules.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.id.BridgeId;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.GatewayGroupId;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouteId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.RuleId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.routing.Route;
import org.nsvpn.chainrules.routing.RouteType;
import org.nsvpn.chainrules.rules.Chain;
import org.nsvpn.chainrules.rules.Condition;
import org.nsvpn.chainrules.rules.JumpRule;
import org.nsvpn.chainrules.rules.L2TransformRule;
import org.nsvpn.chainrules.rules.RedirectAction;
import org.nsvpn.chainrules.rules.Rule;

/**
 * {@link Topology#apply} checks a change without deletions incrementally (only what it wrote and
 * what refers to it); the full check of {@link Topology.Builder#build()} is the oracle. On random
 * walks over a small universe of ids, where references often dangle, links are one-sided, bindings
 * collide and chains jump in cycles, both must agree: the incremental check accepts exactly the
 * changes the full check accepts, yields the same snapshot, and {@code apply} refuses with the full
 * check's messages.
 */
class TopologyIncrementalCheckTest {
  private final Random random = new Random();
  private final List<RouterId> routers = ids(3, RouterId::random);
  private final List<BridgeId> bridges = ids(2, BridgeId::random);
  private final List<PortId> ports = ids(8, PortId::random);
  private final List<ChainId> chains = ids(3, ChainId::random);
  private final List<RouteId> routes = ids(3, RouteId::random);
  private final List<HostId> hosts = ids(2, HostId::random);
  private final List<VpnServiceId> services = ids(2, VpnServiceId::random);
  private final List<IpsecSiteConnectionId> connections = ids(2, IpsecSiteConnectionId::random);
  private final List<GatewayGroupId> groups = ids(2, GatewayGroupId::random);

  private static <T> List<T> ids(int n, java.util.function.Supplier<T> make) {
    List<T> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(make.get());
    }
    return out;
  }

  @Test
  void incrementalAndFullCheckAgreeOnRandomChanges() {
    long seed = new Random().nextLong();
    random.setSeed(seed);
    int accepted = 0;
    int refused = 0;
    int incremental = 0;
    for (int walk = 0; walk < 40; walk++) {
      Topology base = Topology.EMPTY;
      for (int step = 0; step < 150; step++) {
        TopologyChange change = randomChange(base);
        Topology from = base;
        if (random.nextBoolean()) {
          assertIndexes(from); // built now, so that apply carries them
        }
        Optional<Topology> full = fullCheck(base, change);
        Object applied = outcome(() -> from.apply(change));
        Object expected = outcome(() -> fullBuild(from, change));
        assertThat(applied).as("seed %d, change %s on %s", seed, change, base).isEqualTo(expected);
        if (change.deletions().isEmpty()) {
          Optional<Topology> inc = base.applyIncrementally(change);
          assertThat(inc).as("seed %d, change %s on %s", seed, change, base).isEqualTo(full);
          incremental++;
        }
        if (full.isPresent()) {
          accepted++;
          assertBindingIndex(full.get());
          assertIndexes(from.apply(change));
          base = full.get();
        } else {
          refused++;
        }
      }
    }
    assertThat(accepted).as("seed %d", seed).isGreaterThan(300);
    assertThat(refused).as("seed %d", seed).isGreaterThan(300);
    assertThat(incremental).isGreaterThan(1000);
  }

  @Test
  void agreeOnAGoldenChangeSet() {
    RouterId r = routers.get(0);
    PortId a = ports.get(0);
    PortId b = ports.get(1);
    HostId h = hosts.get(0);
    Topology base =
        Topology.builder()
            .put(Router.of(r, "r0"))
            .put(new Host(h, "h0"))
            .put(port(a, r).withPeer(Optional.of(b)))
            .put(port(b, r).withPeer(Optional.of(a)))
            .build();
    List<TopologyChange> changes =
        List.of(
            // a relinks to a missing port; b still points at a
            upserts(port(a, r).withPeer(Optional.of(ports.get(5)))),
            // a unlinks; b still points at a
            upserts(port(a, r)),
            // both unlink together
            upserts(port(a, r), port(b, r)),
            // two ports on one interface
            upserts(bound(a, r, h, "eth0"), bound(ports.get(2), r, h, "eth0")),
            // a binding to a missing host
            upserts(bound(ports.get(2), r, hosts.get(1), "eth0")),
            // a port moved to a missing router
            upserts(port(a, routers.get(1)).withPeer(Optional.of(b))),
            // a chain cycle
            upserts(
                new Chain(chains.get(0), "c0", List.of(jump(chains.get(1)))),
                new Chain(chains.get(1), "c1", List.of(jump(chains.get(0))))),
            // a service on a missing router and a connection of a missing service
            upserts(
                new VpnService(
                    services.get(0), "v0", routers.get(2), IpAddress.parse("192.0.2.1"), true)),
            upserts(connection(connections.get(0), services.get(1))),
            // fine: a new router with a port bound to a free interface
            upserts(Router.of(routers.get(1), "r1"), bound(ports.get(3), routers.get(1), h, "e1")));
    for (TopologyChange change : changes) {
      assertThat(outcome(() -> base.apply(change)))
          .as("%s", change)
          .isEqualTo(outcome(() -> fullBuild(base, change)));
      assertThat(base.applyIncrementally(change))
          .as("%s", change)
          .isEqualTo(fullCheck(base, change));
    }
    assertThat(base.applyIncrementally(changes.get(changes.size() - 1))).isPresent();
  }

  /**
   * The per-device, per-router and per-service lists and the route tables (built now if new, or
   * carried from the snapshot this one was derived from) agree with a pass over the objects.
   */
  private void assertIndexes(Topology t) {
    for (RouterId r : routers) {
      List<Route> expected =
          new ArrayList<>(t.routes().stream().filter(x -> x.router().equals(r)).toList());
      for (Port p : t.ports()) {
        if (p instanceof RouterPort rp && rp.device().equals(r)) {
          expected.addAll(Topology.impliedRoutes(rp));
        }
      }
      assertThat(t.routeTable(r).routes()).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(t.ports(r))
          .isEqualTo(t.ports().stream().filter(p -> p.device().equals(r)).toList());
      assertThat(t.routes(r))
          .isEqualTo(t.routes().stream().filter(x -> x.router().equals(r)).toList());
      assertThat(t.vpnServices(r))
          .isEqualTo(t.vpnServices().stream().filter(x -> x.router().equals(r)).toList());
    }
    for (BridgeId b : bridges) {
      assertThat(t.ports(b))
          .isEqualTo(t.ports().stream().filter(p -> p.device().equals(b)).toList());
    }
    for (VpnServiceId v : services) {
      assertThat(t.connections(v))
          .isEqualTo(t.connections().stream().filter(c -> c.vpnService().equals(v)).toList());
    }
  }

  private void assertBindingIndex(Topology t) {
    for (Port p : t.ports()) {
      p.binding()
          .ifPresent(b -> assertThat(t.portBoundTo(b.host(), b.interfaceName())).contains(p));
    }
    assertThat(t.portBoundTo(hosts.get(0), "nothere")).isEmpty();
  }

  private static TopologyChange upserts(Identified... objects) {
    return new TopologyChange(List.of(objects), List.of());
  }

  /** The full check's verdict on {@code change}: the snapshot, or empty when it is refused. */
  private static Optional<Topology> fullCheck(Topology base, TopologyChange change) {
    try {
      return Optional.of(fullBuild(base, change));
    } catch (InconsistentTopologyException e) {
      return Optional.empty();
    }
  }

  private static Topology fullBuild(Topology base, TopologyChange change) {
    Topology.Builder b = base.toBuilder();
    change.deletions().forEach(b::remove);
    change.upserts().forEach(b::put);
    return b.build();
  }

  /** The snapshot, or the problems (in order) of the refusal. */
  private static Object outcome(java.util.function.Supplier<Topology> apply) {
    try {
      return apply.get();
    } catch (InconsistentTopologyException e) {
      return e.problems();
    }
  }

  private TopologyChange randomChange(Topology base) {
    Set<EntityId> written = new LinkedHashSet<>();
    List<Identified> upserts = new ArrayList<>();
    List<EntityId> deletions = new ArrayList<>();
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      Identified object = randomObject(base);
      if (written.add(object.id())) {
        upserts.add(object);
      }
    }
    if (random.nextInt(5) == 0) {
      List<Identified> present = new ArrayList<>(allObjects(base));
      if (!present.isEmpty()) {
        EntityId id = present.get(random.nextInt(present.size())).id();
        if (!written.contains(id)) {
          deletions.add(id);
        }
      }
    }
    return new TopologyChange(upserts, deletions);
  }

  private static List<Identified> allObjects(Topology t) {
    List<Identified> out = new ArrayList<>();
    out.addAll(t.routers());
    out.addAll(t.bridges());
    out.addAll(t.ports());
    out.addAll(t.chains());
    out.addAll(t.routes());
    out.addAll(t.hosts());
    out.addAll(t.vpnServices());
    out.addAll(t.connections());
    out.addAll(t.gatewayGroups());
    return out;
  }

  private <T> T pick(List<T> from) {
    return from.get(random.nextInt(from.size()));
  }

  private <T> Optional<T> maybe(List<T> from) {
    return random.nextInt(3) == 0 ? Optional.of(pick(from)) : Optional.empty();
  }

  private Identified randomObject(Topology base) {
    switch (random.nextInt(10)) {
      case 0:
        RouterId r = pick(routers);
        return Router.of(r, "r" + routers.indexOf(r))
            .withInboundFilter(maybe(chains))
            .withLocalRedirectChain(maybe(chains));
      case 1:
        BridgeId b = pick(bridges);
        return Bridge.of(b, "b" + bridges.indexOf(b)).withOutboundFilter(maybe(chains));
      case 2:
      case 3:
      case 4:
        return randomPort(base);
      case 5:
        ChainId c = pick(chains);
        List<Rule> rules = new ArrayList<>();
        ChainId target = pick(chains);
        if (random.nextBoolean() && !target.equals(c)) {
          rules.add(jump(target));
        }
        if (random.nextBoolean()) {
          rules.add(
              new L2TransformRule(RuleId.random(), Condition.ANY, RedirectAction.to(pick(ports))));
        }
        return new Chain(c, "c" + chains.indexOf(c), rules);
      case 6:
        return new Route(
            pick(routes),
            pick(routers),
            IpSubnet.parse("0.0.0.0/0"),
            IpSubnet.parse("10.0.0.0/8"),
            RouteType.NORMAL,
            Optional.of(pick(ports)),
            Optional.empty(),
            100);
      case 7:
        HostId h = pick(hosts);
        return new Host(h, "h" + hosts.indexOf(h));
      case 8:
        if (random.nextBoolean()) {
          VpnServiceId v = pick(services);
          return new VpnService(
              v,
              "v" + services.indexOf(v),
              pick(routers),
              IpAddress.parse("192.0.2.1"),
              true,
              maybe(groups));
        }
        return connection(pick(connections), pick(services));
      default:
        GatewayGroupId g = pick(groups);
        Set<HostId> members = new LinkedHashSet<>();
        if (random.nextBoolean()) {
          members.add(pick(hosts));
        }
        return new GatewayGroup(g, "g" + groups.indexOf(g), members);
    }
  }

  /**
   * A port that keeps or changes its device, links often mutually, or (only exterior ports are)
   * binds often to few names.
   */
  private Port randomPort(Topology base) {
    PortId id = pick(ports);
    Optional<Port> existing = base.port(id);
    Optional<PortId> peer = maybe(ports).filter(p -> !p.equals(id));
    if (random.nextBoolean()) {
      // link back to whoever links to this port, making mutual links likely
      peer =
          base.ports().stream()
              .filter(p -> p.peer().equals(Optional.of(id)))
              .map(Port::id)
              .findFirst()
              .or(() -> Optional.empty());
    }
    Optional<HostBinding> binding =
        peer.isEmpty() && random.nextInt(2) == 0
            ? Optional.of(new HostBinding(pick(hosts), "eth" + random.nextInt(3)))
            : Optional.empty();
    boolean keepDevice = existing.isPresent() && random.nextInt(4) != 0;
    if (keepDevice ? existing.get() instanceof BridgePort : random.nextInt(3) == 0) {
      BridgeId bridge = keepDevice ? ((BridgePort) existing.get()).bridge() : pick(bridges);
      return BridgePort.of(id, bridge).withPeer(peer).withBinding(binding);
    }
    RouterId router = keepDevice ? ((RouterPort) existing.get()).router() : pick(routers);
    return port(id, router).withPeer(peer).withBinding(binding);
  }

  private static RouterPort port(PortId id, RouterId router) {
    return RouterPort.of(
        id, router, MacAddress.parse("02:00:00:00:00:01"), InterfaceAddress.parse("10.0.0.1/24"));
  }

  private static RouterPort bound(PortId id, RouterId router, HostId host, String ifname) {
    return port(id, router).withBinding(Optional.of(new HostBinding(host, ifname)));
  }

  private static JumpRule jump(ChainId target) {
    return new JumpRule(RuleId.random(), Condition.ANY, target);
  }

  private static IpsecSiteConnection connection(IpsecSiteConnectionId id, VpnServiceId service) {
    return IpsecSiteConnectionTest.valid().id(id).vpnService(service).build();
  }
}
