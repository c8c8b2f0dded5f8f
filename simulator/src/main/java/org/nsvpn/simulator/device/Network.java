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
import org.nsvpn.chainrules.model.Port;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.Topology;
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

  /** Each router's route table with the lists it was built from, for the next compilation. */
  private final Map<RouterId, CompiledTable> tables;

  /**
   * A router's route table and its inputs: its ports and its routes, the lists {@link Topology}
   * keeps per router (carried unchanged from snapshot to snapshot for every router a change did not
   * touch).
   */
  private record CompiledTable(List<Port> ports, List<Route> routes, RouteTable table) {}

  private Network(
      Topology topology, boolean verifyL4Checksums, int maxHops, Map<RouterId, CompiledTable> old) {
    this.evaluator = topology.chainEvaluator();
    this.verifyL4Checksums = verifyL4Checksums;
    this.maxHops = maxHops;
    Map<PortId, PortSim> byId = new HashMap<>();
    for (Port p : topology.ports()) {
      byId.put(p.id(), new PortSim(p));
    }
    Map<DeviceId, RouterSim> routers = new HashMap<>();
    Map<RouterId, CompiledTable> tables = new HashMap<>();
    for (Router r : topology.routers()) {
      CompiledTable table = table(topology, r.id(), old.get(r.id()));
      tables.put(r.id(), table);
      routers.put(r.id(), new RouterSim(r, table.table(), VpnGuard.of(topology, r.id())));
    }
    this.tables = tables;
    Map<DeviceId, BridgeSim> bridges = new HashMap<>();
    for (Bridge b : topology.bridges()) {
      bridges.put(b.id(), new BridgeSim(b));
    }
    Map<DeviceId, List<PortSim>> byDevice = new HashMap<>();
    for (Port p : topology.ports()) {
      PortSim sim = byId.get(p.id());
      sim.router = routers.get(p.device());
      sim.bridge = bridges.get(p.device());
      sim.peer = p.peer().map(byId::get).orElse(null);
      byDevice.computeIfAbsent(p.device(), d -> new ArrayList<>()).add(sim);
    }
    routers.forEach((id, r) -> r.ports(byDevice.getOrDefault(id, List.of())));
    bridges.forEach((id, b) -> b.ports(byDevice.getOrDefault(id, List.of())));
    this.ports = Map.copyOf(byId);
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
   * taking this network's route table for every router whose ports and routes are the very same
   * lists (a router the change did not touch): a new snapshot starts without route tables, and
   * building every router's anew for every snapshot was most of what following the topology cost
   * the agent at 400 routers (docs/performance.md, issue 18).
   */
  public Network recompile(Topology topology, boolean verifyL4Checksums, int maxHops) {
    Require.nonNull("topology", topology);
    Require.inRange("max hops", maxHops, 1, 255);
    return new Network(topology, verifyL4Checksums, maxHops, tables);
  }

  /** The route table of {@code router}: {@code old}'s when built from the same lists. */
  private static CompiledTable table(Topology topology, RouterId router, CompiledTable old) {
    List<Port> ports = topology.ports(router);
    List<Route> routes = topology.routes(router);
    if (old != null && old.ports() == ports && old.routes() == routes) {
      return old;
    }
    return new CompiledTable(ports, routes, topology.routeTable(router));
  }

  /** The route table this network routes {@code router}'s packets by; for tests. */
  RouteTable routeTable(RouterId router) {
    CompiledTable table = tables.get(router);
    return table == null ? null : table.table();
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
