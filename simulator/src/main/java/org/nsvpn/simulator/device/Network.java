package org.nsvpn.simulator.device;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.DeviceId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.model.Bridge;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.Port;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.routing.Route;
import org.nsvpn.chainrules.routing.RouteTable;
import org.nsvpn.chainrules.rules.ChainEvaluator;
import org.nsvpn.chainrules.rules.RedirectAction;
import org.nsvpn.simulator.packet.Frame;
import org.nsvpn.simulator.packet.ParseError;
import org.nsvpn.simulator.result.DropReason;
import org.nsvpn.simulator.result.EmissionKind;
import org.nsvpn.simulator.result.SimulationResult;
import org.nsvpn.simulator.state.NetworkState;

/**
 * A topology snapshot compiled for simulation: ports, routers and bridges resolved into direct
 * references, route tables and chains ready. Immutable and shareable between threads; the learning
 * state is passed in with each simulation.
 */
public final class Network {
  final ChainEvaluator evaluator;
  final int maxHops;
  final Predicate<RedirectAction> redirectAvailable =
      action -> isAvailable(action, port(action.targetPort()));

  /** One walk per thread, reset for each simulation (simulations never nest). */
  private static final ThreadLocal<Walk> WALKS = ThreadLocal.withInitial(Walk::new);

  private final boolean verifyL4Checksums;
  private final Map<PortId, PortSim> ports;

  /** Each router as compiled, with what it was compiled from, for the next compilation. */
  private final Map<RouterId, CompiledRouter> compiled;

  /**
   * A router as compiled and its inputs, the lists {@link Topology} keeps per router and per
   * service (carried unchanged from snapshot to snapshot for every router a change did not touch):
   * the router, its ports, its routes (the route table), its VPN services and their connections
   * (the VPN guard). {@code ports} are the router's compiled ports, linked to {@code sim}.
   */
  private record CompiledRouter(
      Router router,
      List<Port> portInputs,
      List<Route> routes,
      List<VpnService> services,
      List<List<IpsecSiteConnection>> connections,
      RouteTable table,
      RouterSim sim,
      List<PortSim> ports) {

    /**
     * Whether this router, compiled for an earlier snapshot, is what {@code topology} compiles to:
     * the same inputs (the very same objects and lists), and no port linked to another device's
     * port (whose compiled port may be new; routers are linked to bridges and other routers only
     * through such peers).
     */
    boolean sameIn(Topology topology, Router now) {
      if (router != now
          || portInputs != topology.ports(now.id())
          || routes != topology.routes(now.id())
          || services != topology.vpnServices(now.id())) {
        return false;
      }
      for (int i = 0; i < services.size(); i++) {
        if (connections.get(i) != topology.connections(services.get(i).id())) {
          return false;
        }
      }
      for (Port p : portInputs) {
        if (p.peer().isPresent()) {
          return false;
        }
      }
      return true;
    }
  }

  private Network(
      Topology topology,
      boolean verifyL4Checksums,
      int maxHops,
      Map<RouterId, CompiledRouter> old) {
    this.evaluator = topology.chainEvaluator();
    this.verifyL4Checksums = verifyL4Checksums;
    this.maxHops = maxHops;
    Map<PortId, PortSim> byId = new HashMap<>();
    Map<RouterId, CompiledRouter> compiled = new HashMap<>();
    Map<DeviceId, RouterSim> routers = new HashMap<>();
    for (Router r : topology.routers()) {
      CompiledRouter before = old.get(r.id());
      if (before != null && before.sameIn(topology, r)) {
        compiled.put(r.id(), before);
        for (PortSim p : before.ports()) {
          byId.put(p.id, p);
        }
      } else {
        routers.put(r.id(), compileRouter(topology, r, before));
      }
    }
    for (Port p : topology.ports()) {
      byId.computeIfAbsent(p.id(), id -> new PortSim(p));
    }
    Map<DeviceId, BridgeSim> bridges = new HashMap<>();
    for (Bridge b : topology.bridges()) {
      bridges.put(b.id(), new BridgeSim(b));
    }
    Map<DeviceId, List<PortSim>> byDevice = new HashMap<>();
    for (Port p : topology.ports()) {
      if (p.device() instanceof RouterId r && compiled.containsKey(r)) {
        continue; // a router taken whole from the previous compilation, with its ports
      }
      PortSim sim = byId.get(p.id());
      sim.router = routers.get(p.device());
      sim.bridge = bridges.get(p.device());
      sim.peer = p.peer().map(byId::get).orElse(null);
      byDevice.computeIfAbsent(p.device(), d -> new ArrayList<>()).add(sim);
    }
    routers.forEach((id, r) -> r.ports(byDevice.getOrDefault(id, List.of())));
    bridges.forEach((id, b) -> b.ports(byDevice.getOrDefault(id, List.of())));
    for (Router r : topology.routers()) {
      compiled.computeIfAbsent(
          r.id(),
          id -> {
            RouterSim sim = routers.get(id);
            return new CompiledRouter(
                r,
                topology.ports(id),
                topology.routes(id),
                topology.vpnServices(id),
                topology.vpnServices(id).stream().map(v -> topology.connections(v.id())).toList(),
                sim.routeTable(),
                sim,
                List.copyOf(byDevice.getOrDefault(id, List.of())));
          });
    }
    this.compiled = compiled;
    this.ports = Map.copyOf(byId);
  }

  /**
   * A router compiled anew; with {@code before}'s route table when its ports and routes are the
   * very lists that table was built from (a router whose object or services alone changed).
   */
  private static RouterSim compileRouter(Topology topology, Router r, CompiledRouter before) {
    RouteTable table =
        before != null
                && before.portInputs() == topology.ports(r.id())
                && before.routes() == topology.routes(r.id())
            ? before.table()
            : topology.routeTable(r.id());
    return new RouterSim(r, table, VpnGuard.of(topology, r.id()));
  }

  /**
   * Compiles {@code topology}.
   *
   * @param verifyL4Checksums whether frames with bad ICMP, UDP or TCP checksums are dropped (turn
   *     off where offloading leaves them unfilled)
   * @param maxHops the most devices one frame may cross (loop guard)
   */
  public static Network compile(Topology topology, boolean verifyL4Checksums, int maxHops) {
    Require.nonNull("topology", topology);
    Require.inRange("max hops", maxHops, 1, 255);
    return new Network(topology, verifyL4Checksums, maxHops, Map.of());
  }

  /**
   * Compiles {@code topology}, a snapshot that follows the one this network was compiled from,
   * taking from this network every router whose inputs are the very same objects and lists (a
   * router the change did not touch; see {@code CompiledRouter.sameIn}) with its ports, and the
   * route table of a router whose ports and routes alone are unchanged. The agent compiles every
   * snapshot it follows, one per router provisioned: compiling every router anew each time was 9 %
   * of its CPU at 1,000 routers (docs/performance.md, issue 18). Compiled routers are immutable, so
   * this network and the new one share them safely.
   */
  public Network recompile(Topology topology, boolean verifyL4Checksums, int maxHops) {
    Require.nonNull("topology", topology);
    Require.inRange("max hops", maxHops, 1, 255);
    return new Network(topology, verifyL4Checksums, maxHops, compiled);
  }

  /** The compiled router {@code router}, or null; for tests. */
  RouterSim router(RouterId router) {
    CompiledRouter c = compiled.get(router);
    return c == null ? null : c.sim();
  }

  /** The route table this network routes {@code router}'s packets by, or null; for tests. */
  RouteTable routeTable(RouterId router) {
    CompiledRouter c = compiled.get(router);
    return c == null ? null : c.table();
  }

  PortSim port(PortId id) {
    return ports.get(id);
  }

  /**
   * Can a redirect's target take the frame now (fail-open redirects are skipped otherwise)? The
   * target must exist and be up on an up device; for an egress redirect it must also be linked or
   * bound.
   */
  static boolean isAvailable(RedirectAction action, PortSim target) {
    if (target == null || !target.up || !target.deviceUp()) {
      return false;
    }
    return action.ingress() || target.peer != null || target.bound;
  }

  /**
   * Runs one frame entering at {@code ingress}. Never throws for any content of the frame: bad
   * frames become {@link SimulationResult.Drop}s.
   *
   * @throws IndexOutOfBoundsException if the range is outside {@code bytes} (a caller bug)
   */
  public SimulationResult simulate(
      NetworkState state, PortId ingress, byte[] bytes, int offset, int length) {
    PortSim port = ports.get(ingress);
    if (port == null) {
      return new SimulationResult.Drop(
          DropReason.UNKNOWN_PORT, "port " + ingress + " is not in the topology", List.of());
    }
    Walk walk = WALKS.get();
    if (walk.busy) {
      walk = new Walk();
    }
    walk.begin(this, state);
    try {
      Frame frame = walk.frame;
      if (!frame.parse(bytes, offset, length, verifyL4Checksums)) {
        return parseDrop(frame);
      }
      walk.ingress(port, frame, EmissionKind.FORWARDED);
      return walk.result();
    } finally {
      walk.end();
    }
  }

  private static SimulationResult parseDrop(Frame frame) {
    ParseError error = frame.error();
    DropReason reason =
        switch (error.kind()) {
          case TRUNCATED -> DropReason.TRUNCATED;
          case MALFORMED -> DropReason.MALFORMED;
          case BAD_CHECKSUM -> DropReason.BAD_CHECKSUM;
        };
    return new SimulationResult.Drop(
        reason, error + " (" + error.what() + "): " + frame.errorDetail(), List.of());
  }
}
