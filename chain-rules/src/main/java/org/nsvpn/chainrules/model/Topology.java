package org.nsvpn.chainrules.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.nsvpn.chainrules.id.BridgeId;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.DeviceId;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.GatewayGroupId;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouteId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.routing.Route;
import org.nsvpn.chainrules.routing.RouteTable;
import org.nsvpn.chainrules.routing.RouteType;
import org.nsvpn.chainrules.rules.Chain;
import org.nsvpn.chainrules.rules.ChainEvaluator;
import org.nsvpn.chainrules.rules.ChainGraphException;
import org.nsvpn.chainrules.rules.L2TransformRule;
import org.nsvpn.chainrules.rules.Rule;

/**
 * An immutable, referentially consistent snapshot of the virtual network: what the simulator runs
 * packets through, what a planner reads, what a store's contents must always form.
 *
 * <p>Consistency, checked when a snapshot is built: every reference resolves (a port's device, a
 * router's chains, a jump's and a redirect's target, a route's router and next-hop port, a
 * binding's host, a service's router and gateway group, a connection's service, a gateway group's
 * member hosts); links are mutual; a route's next-hop port belongs to the route's router; no two
 * ports are bound to one host interface; the chain graph has no cycles.
 *
 * <p>A router's {@linkplain #routeTable route table} holds its explicit routes plus the routes its
 * port addresses imply, as on Linux: a {@code local} route to each address (/32 or /128) and a
 * {@code normal} route to each address's connected subnet, both via that port. Their ids are
 * derived from the port id, so they are stable across snapshots.
 */
public final class Topology {

  public static final Topology EMPTY = builder().build();

  private final Map<RouterId, Router> routers;
  private final Map<BridgeId, Bridge> bridges;
  private final Map<PortId, Port> ports;
  private final Map<ChainId, Chain> chains;
  private final Map<RouteId, Route> routes;
  private final Map<HostId, Host> hosts;
  private final Map<VpnServiceId, VpnService> vpnServices;
  private final Map<IpsecSiteConnectionId, IpsecSiteConnection> connections;
  private final Map<GatewayGroupId, GatewayGroup> gatewayGroups;
  private final ChainEvaluator chainEvaluator;

  /** Which port is bound to each host interface ({@link #bindingKey}); one port each. */
  private final Map<String, PortId> bindings;

  private final Map<RouterId, RouteTable> routeTables = new ConcurrentHashMap<>();
  // Who belongs to whom, each built on first use (one pass over the objects) and kept with the
  // snapshot, or carried from the snapshot this one was derived from (see carryIndexes): a
  // simulator compiling every router, or a store rule looking at one, then pays a lookup per device
  // instead of a pass over every port, route, service and connection.
  private volatile Map<DeviceId, List<Port>> portsByDevice;
  private volatile Map<RouterId, List<Route>> routesByRouter;
  private volatile Map<RouterId, List<VpnService>> servicesByRouter;
  private volatile Map<VpnServiceId, List<IpsecSiteConnection>> connectionsByService;

  private Map<DeviceId, List<Port>> portsByDevice() {
    Map<DeviceId, List<Port>> i = portsByDevice;
    if (i == null) {
      i = group(ports.values(), Port::device);
      portsByDevice = i;
    }
    return i;
  }

  private Map<RouterId, List<Route>> routesByRouter() {
    Map<RouterId, List<Route>> i = routesByRouter;
    if (i == null) {
      i = group(routes.values(), Route::router);
      routesByRouter = i;
    }
    return i;
  }

  private Map<RouterId, List<VpnService>> servicesByRouter() {
    Map<RouterId, List<VpnService>> i = servicesByRouter;
    if (i == null) {
      i = group(vpnServices.values(), VpnService::router);
      servicesByRouter = i;
    }
    return i;
  }

  private Map<VpnServiceId, List<IpsecSiteConnection>> connectionsByService() {
    Map<VpnServiceId, List<IpsecSiteConnection>> i = connectionsByService;
    if (i == null) {
      i = group(connections.values(), IpsecSiteConnection::vpnService);
      connectionsByService = i;
    }
    return i;
  }

  /**
   * The indexes of {@code base} that were built, updated for {@code upserts} (no deletions): an
   * index of a kind not written is shared, one of a kind written gets its outer map and the touched
   * lists copied. An object that moved to another group (a port to another device) leaves its index
   * to be built again on first use, since its place in the new group's order is its place among all
   * objects of its kind.
   */
  private void carryIndexes(Topology base, List<Identified> upserts) {
    portsByDevice = carry(base.portsByDevice, base.ports, ports, upserts, Port.class, Port::device);
    routesByRouter =
        carry(base.routesByRouter, base.routes, routes, upserts, Route.class, Route::router);
    servicesByRouter =
        carry(
            base.servicesByRouter,
            base.vpnServices,
            vpnServices,
            upserts,
            VpnService.class,
            VpnService::router);
    connectionsByService =
        carry(
            base.connectionsByService,
            base.connections,
            connections,
            upserts,
            IpsecSiteConnection.class,
            IpsecSiteConnection::vpnService);
  }

  private static <K, V extends Identified> Map<K, List<V>> carry(
      Map<K, List<V>> index,
      Map<? extends EntityId, V> before,
      Map<? extends EntityId, V> after,
      List<Identified> upserts,
      Class<V> type,
      java.util.function.Function<V, K> key) {
    if (index == null || before == after) {
      return index;
    }
    Map<K, List<V>> out = new HashMap<>(index);
    for (Identified written : upserts) {
      if (!type.isInstance(written)) {
        continue;
      }
      V value = type.cast(written);
      K group = key.apply(value);
      V old = before.get(value.id());
      List<V> list = new ArrayList<>(out.getOrDefault(group, List.of()));
      if (old == null) {
        list.add(value);
      } else if (!key.apply(old).equals(group)) {
        return null;
      } else {
        list.replaceAll(v -> v.id().equals(value.id()) ? value : v);
      }
      out.put(group, Collections.unmodifiableList(list));
    }
    return out;
  }

  /** {@code values} by {@code key}, each list in the values' order, all unmodifiable. */
  private static <K, V> Map<K, List<V>> group(
      Collection<V> values, java.util.function.Function<V, K> key) {
    Map<K, List<V>> out = new HashMap<>();
    for (V v : values) {
      out.computeIfAbsent(key.apply(v), k -> new ArrayList<>()).add(v);
    }
    out.replaceAll((k, list) -> Collections.unmodifiableList(list));
    return out;
  }

  private Topology(Builder b) {
    this.routers = freeze(b.routers);
    this.bridges = freeze(b.bridges);
    this.ports = freeze(b.ports);
    this.chains = freeze(b.chains);
    this.routes = freeze(b.routes);
    this.hosts = freeze(b.hosts);
    this.vpnServices = freeze(b.vpnServices);
    this.connections = freeze(b.connections);
    this.gatewayGroups = freeze(b.gatewayGroups);
    List<String> problems = new ArrayList<>();
    ChainEvaluator evaluator = null;
    try {
      evaluator = ChainEvaluator.of(chains.values());
    } catch (ChainGraphException e) {
      problems.add(e.getMessage());
    }
    this.chainEvaluator = evaluator;
    Map<String, PortId> bound = new HashMap<>();
    checkReferences(problems, bound);
    if (!problems.isEmpty()) {
      throw new InconsistentTopologyException(problems);
    }
    this.bindings = Collections.unmodifiableMap(bound);
  }

  /** A snapshot from maps the caller has checked (see {@link #apply}); takes ownership of them. */
  private Topology(Delta d, ChainEvaluator evaluator, Map<String, PortId> bindings) {
    this.routers = d.routers.map();
    this.bridges = d.bridges.map();
    this.ports = d.ports.map();
    this.chains = d.chains.map();
    this.routes = d.routes.map();
    this.hosts = d.hosts.map();
    this.vpnServices = d.vpnServices.map();
    this.connections = d.connections.map();
    this.gatewayGroups = d.gatewayGroups.map();
    this.chainEvaluator = evaluator;
    this.bindings = bindings;
  }

  private static String bindingKey(HostBinding binding) {
    return binding.host() + "/" + binding.interfaceName();
  }

  private static <K, V> Map<K, V> freeze(Map<K, V> map) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this snapshot's objects. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.routers.putAll(routers);
    b.bridges.putAll(bridges);
    b.ports.putAll(ports);
    b.chains.putAll(chains);
    b.routes.putAll(routes);
    b.hosts.putAll(hosts);
    b.vpnServices.putAll(vpnServices);
    b.connections.putAll(connections);
    b.gatewayGroups.putAll(gatewayGroups);
    return b;
  }

  /**
   * The snapshot after {@code change}: deletions first, then writes, then one consistency check of
   * the result.
   *
   * @throws InconsistentTopologyException when the result would be inconsistent; this snapshot is
   *     unaffected either way
   */
  public Topology apply(TopologyChange change) {
    if (change.isEmpty()) {
      return this;
    }
    Delta d = delta(change);
    return d.deleted ? d.fullCheck() : checked(d, change.upserts()).orElseGet(d::fullCheck);
  }

  /**
   * The snapshot after {@code change} when the incremental check accepts it; empty when the change
   * deletes something or the incremental check finds (or cannot rule out) a problem, where {@link
   * #apply} runs the full check instead. Package-private for the test that compares the two.
   */
  Optional<Topology> applyIncrementally(TopologyChange change) {
    Delta d = delta(change);
    return d.deleted ? Optional.empty() : checked(d, change.upserts());
  }

  private Delta delta(TopologyChange change) {
    Delta d = new Delta(this);
    for (EntityId id : change.deletions()) {
      d.deleted |= d.remove(id);
    }
    change.upserts().forEach(d::put);
    return d;
  }

  /**
   * The snapshot {@code d} makes of this one by writing {@code upserts} (no deletions), checked
   * incrementally: only the written objects' own references, the references to a written port (its
   * old and new peer), the written ports' host bindings and, when a chain was written, the chain
   * graph. This snapshot being consistent, nothing else can have become inconsistent: every other
   * check reads only whether an object exists, and nothing was removed. Empty when the incremental
   * check finds a problem or cannot decide (a port moved to another device, which the routes
   * through it may name): the full check then decides, and gives the exact list of problems. A
   * change written line by line thus costs in proportion to the change, not to the topology (apart
   * from copying the maps of the kinds it writes).
   */
  private Optional<Topology> checked(Delta d, List<Identified> upserts) {
    ChainEvaluator evaluator = chainEvaluator;
    if (d.chains.copied()) {
      try {
        evaluator = ChainEvaluator.of(d.chains.map().values());
      } catch (ChainGraphException e) {
        return Optional.empty();
      }
    }
    Map<String, PortId> bound = bindings;
    for (Identified written : upserts) {
      if (written instanceof Port p) {
        Port before = ports.get(p.id());
        if (bound == bindings
            && (p.binding().isPresent() || (before != null && before.binding().isPresent()))) {
          bound = new HashMap<>(bindings);
        }
      }
    }
    if (bound != bindings) {
      // The written ports' old bindings first, then their new ones: a conflict is a port bound to
      // an interface that another port still holds.
      for (Identified written : upserts) {
        if (written instanceof Port p) {
          Port before = ports.get(p.id());
          if (before != null && before.binding().isPresent()) {
            bound.remove(bindingKey(before.binding().get()), p.id());
          }
        }
      }
      for (Identified written : upserts) {
        if (written instanceof Port p && p.binding().isPresent()) {
          PortId other = bound.putIfAbsent(bindingKey(p.binding().get()), p.id());
          if (other != null && !other.equals(p.id())) {
            return Optional.empty();
          }
        }
      }
      bound = Collections.unmodifiableMap(bound);
    }
    Topology next = new Topology(d, evaluator, bound);
    if (!next.checkIncrementally(this, upserts)) {
      return Optional.empty();
    }
    next.carryIndexes(this, upserts);
    return Optional.of(next);
  }

  /**
   * Whether the references that {@code upserts}, written on {@code base} (consistent), can have
   * broken all hold in this snapshot. Sound only for changes without deletions, whose written ports
   * kept their devices and whose bindings were checked (see {@link #checked}).
   */
  private boolean checkIncrementally(Topology base, List<Identified> upserts) {
    List<String> problems = new ArrayList<>();
    for (Identified written : upserts) {
      if (written instanceof Port p) {
        checkPort(problems, p);
        Port before = base.ports.get(p.id());
        if (before != null) {
          before.peer().flatMap(this::port).ifPresent(q -> checkPort(problems, q));
          if (!before.device().equals(p.device())) {
            // Rare (the CLI never moves a port): the routes through it may name its old router.
            for (Route r : routes.values()) {
              if (r.nextHopPort().equals(Optional.of(p.id()))) {
                checkRoute(problems, r);
              }
            }
          }
        }
      } else if (written instanceof Router r) {
        checkRouter(problems, r);
      } else if (written instanceof Bridge b) {
        checkBridge(problems, b);
      } else if (written instanceof Chain c) {
        checkRules(problems, c);
      } else if (written instanceof Route r) {
        checkRoute(problems, r);
      } else if (written instanceof VpnService v) {
        checkVpnService(problems, v);
      } else if (written instanceof GatewayGroup g) {
        checkGatewayGroup(problems, g);
      } else if (written instanceof IpsecSiteConnection c) {
        checkConnection(problems, c);
      }
      if (!problems.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  // ---- lookups ----------------------------------------------------------------------------

  public Optional<Router> router(RouterId id) {
    return Optional.ofNullable(routers.get(id));
  }

  public Collection<Router> routers() {
    return routers.values();
  }

  public Optional<Bridge> bridge(BridgeId id) {
    return Optional.ofNullable(bridges.get(id));
  }

  public Collection<Bridge> bridges() {
    return bridges.values();
  }

  public Optional<Port> port(PortId id) {
    return Optional.ofNullable(ports.get(id));
  }

  public Collection<Port> ports() {
    return ports.values();
  }

  /** The ports of a router or bridge, in insertion order. */
  public List<Port> ports(DeviceId device) {
    return portsByDevice().getOrDefault(device, List.of());
  }

  /** The ports of a router. */
  public List<RouterPort> routerPorts(RouterId router) {
    List<RouterPort> out = new ArrayList<>();
    for (Port p : ports(router)) {
      if (p instanceof RouterPort rp) {
        out.add(rp);
      }
    }
    return out;
  }

  public Optional<Chain> chain(ChainId id) {
    return Optional.ofNullable(chains.get(id));
  }

  public Collection<Chain> chains() {
    return chains.values();
  }

  /** Evaluates packets against this snapshot's chains (built and validated once). */
  public ChainEvaluator chainEvaluator() {
    return chainEvaluator;
  }

  public Optional<Route> route(RouteId id) {
    return Optional.ofNullable(routes.get(id));
  }

  public Collection<Route> routes() {
    return routes.values();
  }

  /** The explicit routes of a router (without the routes implied by port addresses). */
  public List<Route> routes(RouterId router) {
    return routesByRouter().getOrDefault(router, List.of());
  }

  /** The router's explicit and implied routes, indexed; built once per snapshot and router. */
  public RouteTable routeTable(RouterId router) {
    return routeTables.computeIfAbsent(router, this::buildRouteTable);
  }

  private RouteTable buildRouteTable(RouterId router) {
    List<Route> all = new ArrayList<>(routes(router));
    for (RouterPort port : routerPorts(router)) {
      all.addAll(impliedRoutes(port));
    }
    return RouteTable.of(all);
  }

  /** The local and connected routes that a router port's addresses imply (see class comment). */
  public static List<Route> impliedRoutes(RouterPort port) {
    List<Route> out = new ArrayList<>();
    for (InterfaceAddress a : port.addresses()) {
      out.add(
          new Route(
              new RouteId(port.id().derive("local " + a.address())),
              port.router(),
              Route.anySource(a.subnet()),
              IpSubnet.host(a.address()),
              RouteType.LOCAL,
              Optional.of(port.id()),
              Optional.empty(),
              0));
      if (a.prefixLength() < a.family().bits()) {
        out.add(
            new Route(
                new RouteId(port.id().derive("connected " + a.subnet())),
                port.router(),
                Route.anySource(a.subnet()),
                a.subnet(),
                RouteType.NORMAL,
                Optional.of(port.id()),
                Optional.empty(),
                Route.DEFAULT_WEIGHT));
      }
    }
    return out;
  }

  public Optional<GatewayGroup> gatewayGroup(GatewayGroupId id) {
    return Optional.ofNullable(gatewayGroups.get(id));
  }

  public Collection<GatewayGroup> gatewayGroups() {
    return gatewayGroups.values();
  }

  public Optional<Host> host(HostId id) {
    return Optional.ofNullable(hosts.get(id));
  }

  public Collection<Host> hosts() {
    return hosts.values();
  }

  /** The port bound to {@code interfaceName} on {@code host}, if any. */
  public Optional<Port> portBoundTo(HostId host, String interfaceName) {
    PortId id = bindings.get(host + "/" + interfaceName);
    return id == null ? Optional.empty() : Optional.ofNullable(ports.get(id));
  }

  public Optional<VpnService> vpnService(VpnServiceId id) {
    return Optional.ofNullable(vpnServices.get(id));
  }

  public Collection<VpnService> vpnServices() {
    return vpnServices.values();
  }

  /** The VPN services attached to a router. */
  public List<VpnService> vpnServices(RouterId router) {
    return servicesByRouter().getOrDefault(router, List.of());
  }

  public Optional<IpsecSiteConnection> connection(IpsecSiteConnectionId id) {
    return Optional.ofNullable(connections.get(id));
  }

  public Collection<IpsecSiteConnection> connections() {
    return connections.values();
  }

  /** The site connections of a VPN service, in insertion order. */
  public List<IpsecSiteConnection> connections(VpnServiceId service) {
    return connectionsByService().getOrDefault(service, List.of());
  }

  /** The object with this id, of whatever type. */
  public Optional<Identified> find(EntityId id) {
    return Optional.ofNullable(
        Builder.mapFor(
                id,
                routers,
                bridges,
                ports,
                chains,
                routes,
                hosts,
                vpnServices,
                connections,
                gatewayGroups)
            .get(id));
  }

  // ---- consistency ------------------------------------------------------------------------

  /**
   * The full check: every object's references, and that no two ports are bound to one host
   * interface ({@code bound} collects the bindings).
   */
  private void checkReferences(List<String> problems, Map<String, PortId> bound) {
    for (Port port : ports.values()) {
      checkPort(problems, port);
      port.binding()
          .ifPresent(
              binding -> {
                PortId other = bound.put(bindingKey(binding), port.id());
                if (other != null) {
                  problems.add(
                      "ports "
                          + other
                          + " and "
                          + port.id()
                          + " are both bound to interface "
                          + binding.interfaceName()
                          + " of host "
                          + binding.host());
                }
              });
    }
    routers.values().forEach(r -> checkRouter(problems, r));
    bridges.values().forEach(b -> checkBridge(problems, b));
    chains.values().forEach(c -> checkRules(problems, c));
    routes.values().forEach(r -> checkRoute(problems, r));
    vpnServices.values().forEach(s -> checkVpnService(problems, s));
    gatewayGroups.values().forEach(g -> checkGatewayGroup(problems, g));
    connections.values().forEach(c -> checkConnection(problems, c));
  }

  /** A port's device, its link (mutual) and its binding's host; not the binding's uniqueness. */
  private void checkPort(List<String> problems, Port port) {
    boolean deviceExists =
        port instanceof RouterPort rp
            ? routers.containsKey(rp.router())
            : bridges.containsKey(((BridgePort) port).bridge());
    if (!deviceExists) {
      problems.add(
          "port " + port.id() + " belongs to missing " + kind(port.device()) + " " + port.device());
    }
    port.peer()
        .ifPresent(
            peerId -> {
              Port peer = ports.get(peerId);
              if (peer == null) {
                problems.add("port " + port.id() + " is linked to missing port " + peerId);
              } else if (!peer.peer().equals(Optional.of(port.id()))) {
                problems.add(
                    "port "
                        + port.id()
                        + " is linked to port "
                        + peerId
                        + ", which is not linked back");
              }
            });
    port.binding()
        .filter(binding -> !hosts.containsKey(binding.host()))
        .ifPresent(
            binding ->
                problems.add("port " + port.id() + " is bound to missing host " + binding.host()));
  }

  private void checkRouter(List<String> problems, Router r) {
    checkChain(problems, "router " + r.name() + " inbound-filter", r.inboundFilter());
    checkChain(problems, "router " + r.name() + " outbound-filter", r.outboundFilter());
    checkChain(problems, "router " + r.name() + " local-redirect-chain", r.localRedirectChain());
  }

  private void checkBridge(List<String> problems, Bridge b) {
    checkChain(problems, "bridge " + b.name() + " inbound-filter", b.inboundFilter());
    checkChain(problems, "bridge " + b.name() + " outbound-filter", b.outboundFilter());
  }

  private void checkRules(List<String> problems, Chain chain) {
    for (Rule rule : chain.rules()) {
      if (rule instanceof L2TransformRule l2 && !ports.containsKey(l2.redirect().targetPort())) {
        problems.add(
            "rule "
                + rule.id()
                + " of chain "
                + chain.name()
                + " redirects to missing port "
                + l2.redirect().targetPort());
      }
    }
  }

  private void checkRoute(List<String> problems, Route route) {
    if (!routers.containsKey(route.router())) {
      problems.add("route " + route.id() + " belongs to missing router " + route.router());
    }
    route
        .nextHopPort()
        .ifPresent(
            portId -> {
              Port port = ports.get(portId);
              if (!(port instanceof RouterPort rp) || !rp.router().equals(route.router())) {
                problems.add(
                    "route "
                        + route.id()
                        + " has next-hop port "
                        + portId
                        + ", which is not a port of router "
                        + route.router());
              }
            });
  }

  private void checkVpnService(List<String> problems, VpnService s) {
    if (!routers.containsKey(s.router())) {
      problems.add("vpn-service " + s.name() + " is attached to missing router " + s.router());
    }
    s.gatewayGroup()
        .filter(g -> !gatewayGroups.containsKey(g))
        .ifPresent(
            g -> problems.add("vpn-service " + s.name() + " names missing gateway-group " + g));
  }

  private void checkGatewayGroup(List<String> problems, GatewayGroup g) {
    for (HostId member : g.members()) {
      if (!hosts.containsKey(member)) {
        problems.add("gateway-group " + g.name() + " has missing member host " + member);
      }
    }
  }

  private void checkConnection(List<String> problems, IpsecSiteConnection c) {
    if (!vpnServices.containsKey(c.vpnService())) {
      problems.add(
          "ipsec-site-connection "
              + c.name()
              + " belongs to missing vpn-service "
              + c.vpnService());
    }
  }

  private void checkChain(List<String> problems, String where, Optional<ChainId> chain) {
    if (chain.isPresent() && !chains.containsKey(chain.get())) {
      problems.add(where + " names missing chain " + chain.get());
    }
  }

  private static String kind(DeviceId device) {
    return device instanceof RouterId ? "router" : "bridge";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Topology t
        && routers.equals(t.routers)
        && bridges.equals(t.bridges)
        && ports.equals(t.ports)
        && chains.equals(t.chains)
        && routes.equals(t.routes)
        && hosts.equals(t.hosts)
        && vpnServices.equals(t.vpnServices)
        && connections.equals(t.connections)
        && gatewayGroups.equals(t.gatewayGroups);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        routers, bridges, ports, chains, routes, hosts, vpnServices, connections, gatewayGroups);
  }

  @Override
  public String toString() {
    return "Topology["
        + routers.size()
        + " routers, "
        + bridges.size()
        + " bridges, "
        + ports.size()
        + " ports, "
        + chains.size()
        + " chains, "
        + routes.size()
        + " routes, "
        + hosts.size()
        + " hosts, "
        + vpnServices.size()
        + " vpn services, "
        + connections.size()
        + " connections, "
        + gatewayGroups.size()
        + " gateway groups]";
  }

  /**
   * The maps of a snapshot being derived from another by a change: each kind's map is copied on its
   * first write, the others are shared with the base (they are unmodifiable).
   */
  private static final class Delta {
    final Kind<RouterId, Router> routers;
    final Kind<BridgeId, Bridge> bridges;
    final Kind<PortId, Port> ports;
    final Kind<ChainId, Chain> chains;
    final Kind<RouteId, Route> routes;
    final Kind<HostId, Host> hosts;
    final Kind<VpnServiceId, VpnService> vpnServices;
    final Kind<IpsecSiteConnectionId, IpsecSiteConnection> connections;
    final Kind<GatewayGroupId, GatewayGroup> gatewayGroups;
    boolean deleted;

    Delta(Topology base) {
      routers = new Kind<>(base.routers);
      bridges = new Kind<>(base.bridges);
      ports = new Kind<>(base.ports);
      chains = new Kind<>(base.chains);
      routes = new Kind<>(base.routes);
      hosts = new Kind<>(base.hosts);
      vpnServices = new Kind<>(base.vpnServices);
      connections = new Kind<>(base.connections);
      gatewayGroups = new Kind<>(base.gatewayGroups);
    }

    /** Removes {@code id}; whether it was there. */
    boolean remove(EntityId id) {
      return kindOf(id).remove(id);
    }

    void put(Identified object) {
      Objects.requireNonNull(object, "object");
      if (object instanceof Router r) {
        routers.put(r.id(), r);
      } else if (object instanceof Bridge b) {
        bridges.put(b.id(), b);
      } else if (object instanceof Port p) {
        ports.put(p.id(), p);
      } else if (object instanceof Chain c) {
        chains.put(c.id(), c);
      } else if (object instanceof Route r) {
        routes.put(r.id(), r);
      } else if (object instanceof Host h) {
        hosts.put(h.id(), h);
      } else if (object instanceof VpnService v) {
        vpnServices.put(v.id(), v);
      } else if (object instanceof IpsecSiteConnection c) {
        connections.put(c.id(), c);
      } else if (object instanceof GatewayGroup g) {
        gatewayGroups.put(g.id(), g);
      } else {
        throw new IllegalArgumentException(
            "a topology does not hold " + object.getClass().getSimpleName() + " objects directly");
      }
    }

    private Kind<?, ?> kindOf(EntityId id) {
      if (id instanceof RouterId) {
        return routers;
      } else if (id instanceof BridgeId) {
        return bridges;
      } else if (id instanceof PortId) {
        return ports;
      } else if (id instanceof ChainId) {
        return chains;
      } else if (id instanceof RouteId) {
        return routes;
      } else if (id instanceof HostId) {
        return hosts;
      } else if (id instanceof VpnServiceId) {
        return vpnServices;
      } else if (id instanceof IpsecSiteConnectionId) {
        return connections;
      } else if (id instanceof GatewayGroupId) {
        return gatewayGroups;
      }
      throw new IllegalArgumentException(
          "a topology holds no objects with ids of type " + id.getClass().getSimpleName());
    }

    /** The result, checked in full: what {@link Builder#build()} would make of these objects. */
    Topology fullCheck() {
      Builder b = new Builder();
      b.routers.putAll(routers.map());
      b.bridges.putAll(bridges.map());
      b.ports.putAll(ports.map());
      b.chains.putAll(chains.map());
      b.routes.putAll(routes.map());
      b.hosts.putAll(hosts.map());
      b.vpnServices.putAll(vpnServices.map());
      b.connections.putAll(connections.map());
      b.gatewayGroups.putAll(gatewayGroups.map());
      return b.build();
    }
  }

  /** One kind's map in a {@link Delta}: the base's until the first write, then a copy. */
  private static final class Kind<K, V> {
    private Map<K, V> map;
    private boolean copied;

    Kind(Map<K, V> base) {
      this.map = base;
    }

    private Map<K, V> writable() {
      if (!copied) {
        map = new LinkedHashMap<>(map);
        copied = true;
      }
      return map;
    }

    void put(K key, V value) {
      writable().put(key, value);
    }

    boolean remove(Object key) {
      if (!map.containsKey(key)) {
        return false;
      }
      writable().remove(key);
      return true;
    }

    boolean copied() {
      return copied;
    }

    /** The map for the new snapshot: unmodifiable, the base's own when never written. */
    Map<K, V> map() {
      return copied ? Collections.unmodifiableMap(map) : map;
    }
  }

  /** Collects objects; {@link #build()} checks consistency. Not thread-safe. */
  public static final class Builder {
    private final Map<RouterId, Router> routers = new LinkedHashMap<>();
    private final Map<BridgeId, Bridge> bridges = new LinkedHashMap<>();
    private final Map<PortId, Port> ports = new LinkedHashMap<>();
    private final Map<ChainId, Chain> chains = new LinkedHashMap<>();
    private final Map<RouteId, Route> routes = new LinkedHashMap<>();
    private final Map<HostId, Host> hosts = new LinkedHashMap<>();
    private final Map<VpnServiceId, VpnService> vpnServices = new LinkedHashMap<>();
    private final Map<IpsecSiteConnectionId, IpsecSiteConnection> connections =
        new LinkedHashMap<>();
    private final Map<GatewayGroupId, GatewayGroup> gatewayGroups = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Adds or replaces an object (by id).
     *
     * @throws IllegalArgumentException for objects a topology does not hold directly (rules live
     *     inside their chain)
     */
    public Builder put(Identified object) {
      Objects.requireNonNull(object, "object");
      if (object instanceof Router r) {
        routers.put(r.id(), r);
      } else if (object instanceof Bridge b) {
        bridges.put(b.id(), b);
      } else if (object instanceof Port p) {
        ports.put(p.id(), p);
      } else if (object instanceof Chain c) {
        chains.put(c.id(), c);
      } else if (object instanceof Route r) {
        routes.put(r.id(), r);
      } else if (object instanceof Host h) {
        hosts.put(h.id(), h);
      } else if (object instanceof VpnService v) {
        vpnServices.put(v.id(), v);
      } else if (object instanceof IpsecSiteConnection c) {
        connections.put(c.id(), c);
      } else if (object instanceof GatewayGroup g) {
        gatewayGroups.put(g.id(), g);
      } else {
        throw new IllegalArgumentException(
            "a topology does not hold " + object.getClass().getSimpleName() + " objects directly");
      }
      return this;
    }

    /** Adds or replaces every object. */
    public Builder putAll(Collection<? extends Identified> objects) {
      objects.forEach(this::put);
      return this;
    }

    /** Removes the object with this id, if present. */
    public Builder remove(EntityId id) {
      Objects.requireNonNull(id, "id");
      mapFor(
              id,
              routers,
              bridges,
              ports,
              chains,
              routes,
              hosts,
              vpnServices,
              connections,
              gatewayGroups)
          .remove(id);
      return this;
    }

    /**
     * Builds the snapshot.
     *
     * @throws InconsistentTopologyException listing every consistency problem
     */
    public Topology build() {
      return new Topology(this);
    }

    static Map<? extends EntityId, ? extends Identified> mapFor(
        EntityId id,
        Map<RouterId, Router> routers,
        Map<BridgeId, Bridge> bridges,
        Map<PortId, Port> ports,
        Map<ChainId, Chain> chains,
        Map<RouteId, Route> routes,
        Map<HostId, Host> hosts,
        Map<VpnServiceId, VpnService> vpnServices,
        Map<IpsecSiteConnectionId, IpsecSiteConnection> connections,
        Map<GatewayGroupId, GatewayGroup> gatewayGroups) {
      if (id instanceof RouterId) {
        return routers;
      } else if (id instanceof BridgeId) {
        return bridges;
      } else if (id instanceof PortId) {
        return ports;
      } else if (id instanceof ChainId) {
        return chains;
      } else if (id instanceof RouteId) {
        return routes;
      } else if (id instanceof HostId) {
        return hosts;
      } else if (id instanceof VpnServiceId) {
        return vpnServices;
      } else if (id instanceof IpsecSiteConnectionId) {
        return connections;
      } else if (id instanceof GatewayGroupId) {
        return gatewayGroups;
      }
      throw new IllegalArgumentException(
          "a topology holds no objects with ids of type " + id.getClass().getSimpleName());
    }
  }
}
