package org.nsvpn.simulator.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.nsvpn.chainrules.id.BridgeId;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouteId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.RuleId;
import org.nsvpn.chainrules.model.Bridge;
import org.nsvpn.chainrules.model.BridgePort;
import org.nsvpn.chainrules.model.Host;
import org.nsvpn.chainrules.model.HostBinding;
import org.nsvpn.chainrules.model.Port;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.routing.Route;
import org.nsvpn.chainrules.routing.RouteType;
import org.nsvpn.chainrules.rules.Chain;
import org.nsvpn.chainrules.rules.Condition;
import org.nsvpn.chainrules.rules.L2TransformRule;
import org.nsvpn.chainrules.rules.LiteralAction;
import org.nsvpn.chainrules.rules.LiteralRule;
import org.nsvpn.chainrules.rules.RedirectAction;
import org.nsvpn.chainrules.rules.Rule;
import org.nsvpn.simulator.Simulator;
import org.nsvpn.simulator.state.NetworkState;

/**
 * A topology written by name, for tests:
 *
 * <pre>{@code
 * TestNetwork net = TestNetwork.builder()
 *     .router("r1")
 *     .routerPort("r1.up", "02:00:00:00:00:01", "192.0.2.1/24").bind("r1.up")
 *     .routerPort("r1.in", "02:00:00:00:00:02", "198.51.100.1/24")
 *     .bridge("b1")
 *     .bridgePort("b1.vm").bind("b1.vm")
 *     .bridgePort("b1.r1").link("b1.r1", "r1.in")
 *     .route("r1", "0.0.0.0/0", "r1.up", "192.0.2.254")
 *     .build();
 * }</pre>
 *
 * Port names are {@code device.port}; the device part names the router or bridge. Ids are derived
 * from names, so they are the same in every run. {@code bind} binds an exterior port to an
 * interface (named after the port) of the one test host.
 */
public final class TestNetwork {
  private static final String HOST = "test-host";

  private final Topology topology;
  private final Map<String, EntityId> ids;

  private TestNetwork(Topology topology, Map<String, EntityId> ids) {
    this.topology = topology;
    this.ids = Map.copyOf(ids);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The id a name gets: a name-based UUID, stable across runs. */
  static UUID uuid(String kind, String name) {
    return UUID.nameUUIDFromBytes(
        ("nsvpn-test/" + kind + "/" + name).getBytes(StandardCharsets.UTF_8));
  }

  public Topology topology() {
    return topology;
  }

  public Simulator simulator(NetworkState state) {
    return Simulator.create(topology, state);
  }

  public PortId port(String name) {
    return (PortId) id(name, PortId.class);
  }

  public RouterId router(String name) {
    return (RouterId) id(name, RouterId.class);
  }

  public BridgeId bridge(String name) {
    return (BridgeId) id(name, BridgeId.class);
  }

  public ChainId chain(String name) {
    return (ChainId) id(name, ChainId.class);
  }

  public HostId host() {
    return new HostId(uuid("host", HOST));
  }

  /** The MAC of a router port. */
  public MacAddress mac(String routerPort) {
    return ((RouterPort) topology.port(port(routerPort)).orElseThrow()).mac();
  }

  private EntityId id(String name, Class<? extends EntityId> type) {
    EntityId id = ids.get(name);
    if (!type.isInstance(id)) {
      throw new IllegalArgumentException(
          "no " + type.getSimpleName() + " named '" + name + "'; known names: " + ids.keySet());
    }
    return id;
  }

  /** The same names over another snapshot (e.g. after a plan was applied to it). */
  public TestNetwork withTopology(Topology next) {
    return new TestNetwork(next, ids);
  }

  /** This network with one port changed. */
  public TestNetwork withPort(String name, UnaryOperator<Port> change) {
    Port changed = change.apply(topology.port(port(name)).orElseThrow());
    return withTopology(topology.toBuilder().put(changed).build());
  }

  /** This network with a port administratively down. */
  public TestNetwork portDown(String name) {
    return withPort(
        name,
        p ->
            p instanceof RouterPort rp
                ? rp.withAdminStateUp(false)
                : ((BridgePort) p).withAdminStateUp(false));
  }

  /** This network with a port unbound from its host interface. */
  public TestNetwork unbind(String name) {
    return withPort(
        name,
        p ->
            p instanceof RouterPort rp
                ? rp.withBinding(Optional.empty())
                : ((BridgePort) p).withBinding(Optional.empty()));
  }

  /** Registers a port that a planner created (e.g. the VPN namespace port) under a name. */
  public TestNetwork name(String name, PortId id) {
    Map<String, EntityId> more = new LinkedHashMap<>(ids);
    more.put(name, id);
    return new TestNetwork(topology, more);
  }

  /** Binds a port to an interface of the test host (named {@code interfaceName}). */
  public TestNetwork bind(String name, String interfaceName) {
    HostBinding binding = new HostBinding(host(), interfaceName);
    Topology withHost =
        topology.host(host()).isPresent()
            ? topology
            : topology.toBuilder().put(new Host(host(), HOST)).build();
    Port p = withHost.port(port(name)).orElseThrow();
    Port bound =
        p instanceof RouterPort rp
            ? rp.withBinding(Optional.of(binding))
            : ((BridgePort) p).withBinding(Optional.of(binding));
    return withTopology(withHost.toBuilder().put(bound).build());
  }

  /** Collects named objects; {@link #build()} checks them as a {@link Topology}. */
  public static final class Builder {
    private final Map<String, EntityId> ids = new LinkedHashMap<>();
    private final Map<String, Router> routers = new LinkedHashMap<>();
    private final Map<String, Bridge> bridges = new LinkedHashMap<>();
    private final Map<String, Port> ports = new LinkedHashMap<>();
    private final Map<String, List<Rule>> chains = new LinkedHashMap<>();
    private final List<Route> routes = new ArrayList<>();
    private boolean host;
    private int ruleCount;
    private int routeCount;

    private Builder() {}

    public Builder router(String name) {
      RouterId id = new RouterId(uuid("router", name));
      ids.put(name, id);
      routers.put(name, Router.of(id, name));
      return this;
    }

    public Builder bridge(String name) {
      BridgeId id = new BridgeId(uuid("bridge", name));
      ids.put(name, id);
      bridges.put(name, Bridge.of(id, name));
      return this;
    }

    /** A port of router {@code device.port}'s device with a MAC and addresses (a.b.c.d/n). */
    public Builder routerPort(String name, String mac, String... addresses) {
      Router router = routers.get(device(name));
      require(router != null, "no router for port " + name);
      List<InterfaceAddress> list = new ArrayList<>();
      for (String a : addresses) {
        list.add(InterfaceAddress.parse(a));
      }
      PortId id = new PortId(uuid("port", name));
      ids.put(name, id);
      ports.put(
          name,
          new RouterPort(
              id,
              router.id(),
              true,
              MacAddress.parse(mac),
              list,
              Optional.empty(),
              Optional.empty()));
      return this;
    }

    public Builder bridgePort(String name) {
      Bridge bridge = bridges.get(device(name));
      require(bridge != null, "no bridge for port " + name);
      PortId id = new PortId(uuid("port", name));
      ids.put(name, id);
      ports.put(name, BridgePort.of(id, bridge.id()));
      return this;
    }

    /** Links two ports (both interior afterwards). */
    public Builder link(String a, String b) {
      Port pa = port(a);
      Port pb = port(b);
      ports.put(a, withPeer(pa, pb.id()));
      ports.put(b, withPeer(pb, pa.id()));
      return this;
    }

    /** Binds an exterior port to the test host's interface named after the port. */
    public Builder bind(String name) {
      return bind(name, name.replace('.', '-'));
    }

    public Builder bind(String name, String interfaceName) {
      host = true;
      HostBinding binding = new HostBinding(new HostId(uuid("host", HOST)), interfaceName);
      Port p = port(name);
      ports.put(
          name,
          p instanceof RouterPort rp
              ? rp.withBinding(Optional.of(binding))
              : ((BridgePort) p).withBinding(Optional.of(binding)));
      return this;
    }

    public Builder down(String name) {
      Port p = port(name);
      ports.put(
          name,
          p instanceof RouterPort rp
              ? rp.withAdminStateUp(false)
              : ((BridgePort) p).withAdminStateUp(false));
      return this;
    }

    /** A normal route of {@code router} to {@code destination} via a port, optionally a gateway. */
    public Builder route(String router, String destination, String port, String gateway) {
      return route(router, "", destination, port, gateway);
    }

    /** A normal route restricted to a source prefix ({@code ""} for any). */
    public Builder route(
        String router, String source, String destination, String port, String gateway) {
      IpSubnet dst = IpSubnet.parse(destination);
      IpSubnet src = source.isEmpty() ? Route.anySource(dst) : IpSubnet.parse(source);
      routes.add(
          new Route(
              routeId(),
              routerId(router),
              src,
              dst,
              RouteType.NORMAL,
              Optional.of(port(port).id()),
              gateway == null ? Optional.empty() : Optional.of(IpAddress.parse(gateway)),
              Route.DEFAULT_WEIGHT));
      return this;
    }

    public Builder blackholeRoute(String router, String destination) {
      return typedRoute(router, destination, RouteType.BLACKHOLE);
    }

    public Builder rejectRoute(String router, String destination) {
      return typedRoute(router, destination, RouteType.REJECT);
    }

    private Builder typedRoute(String router, String destination, RouteType type) {
      IpSubnet dst = IpSubnet.parse(destination);
      routes.add(
          new Route(
              routeId(),
              routerId(router),
              Route.anySource(dst),
              dst,
              type,
              Optional.empty(),
              Optional.empty(),
              Route.DEFAULT_WEIGHT));
      return this;
    }

    /** Appends a literal rule to chain {@code chain} (created on first use). */
    public Builder rule(String chain, Condition condition, LiteralAction action) {
      rules(chain).add(new LiteralRule(ruleId(), condition, action));
      return this;
    }

    /** Appends an l2-transform redirect to port {@code target} to chain {@code chain}. */
    public Builder redirect(
        String chain, Condition condition, String target, boolean ingress, boolean failOpen) {
      rules(chain)
          .add(
              new L2TransformRule(
                  ruleId(), condition, new RedirectAction(port(target).id(), ingress, failOpen)));
      return this;
    }

    public Builder inboundFilter(String device, String chain) {
      rules(chain);
      ChainId id = chainId(chain);
      if (routers.containsKey(device)) {
        routers.put(device, routers.get(device).withInboundFilter(Optional.of(id)));
      } else {
        Bridge b = bridges.get(device);
        require(b != null, "no device " + device);
        bridges.put(device, b.withInboundFilter(Optional.of(id)));
      }
      return this;
    }

    public Builder outboundFilter(String device, String chain) {
      rules(chain);
      ChainId id = chainId(chain);
      if (routers.containsKey(device)) {
        routers.put(device, routers.get(device).withOutboundFilter(Optional.of(id)));
      } else {
        Bridge b = bridges.get(device);
        require(b != null, "no device " + device);
        bridges.put(device, b.withOutboundFilter(Optional.of(id)));
      }
      return this;
    }

    public Builder localRedirectChain(String router, String chain) {
      rules(chain);
      routers.put(router, routers.get(router).withLocalRedirectChain(Optional.of(chainId(chain))));
      return this;
    }

    public Builder routerDown(String router) {
      routers.put(router, routers.get(router).withAdminStateUp(false));
      return this;
    }

    public Builder bridgeDown(String bridge) {
      bridges.put(bridge, bridges.get(bridge).withAdminStateUp(false));
      return this;
    }

    public TestNetwork build() {
      Topology.Builder t = Topology.builder();
      if (host) {
        t.put(new Host(new HostId(uuid("host", HOST)), HOST));
      }
      routers.values().forEach(t::put);
      bridges.values().forEach(t::put);
      ports.values().forEach(t::put);
      chains.forEach((name, rules) -> t.put(new Chain(chainId(name), name, rules)));
      routes.forEach(t::put);
      return new TestNetwork(t.build(), ids);
    }

    private List<Rule> rules(String chain) {
      ids.putIfAbsent(chain, chainId(chain));
      return chains.computeIfAbsent(chain, c -> new ArrayList<>());
    }

    private static ChainId chainId(String name) {
      return new ChainId(uuid("chain", name));
    }

    private RuleId ruleId() {
      return new RuleId(uuid("rule", String.valueOf(++ruleCount)));
    }

    private RouteId routeId() {
      return new RouteId(uuid("route", String.valueOf(++routeCount)));
    }

    private RouterId routerId(String name) {
      Router r = routers.get(name);
      require(r != null, "no router " + name);
      return r.id();
    }

    private Port port(String name) {
      Port p = ports.get(name);
      require(p != null, "no port " + name);
      return p;
    }

    private static Port withPeer(Port p, PortId peer) {
      return p instanceof RouterPort rp
          ? rp.withPeer(Optional.of(peer))
          : ((BridgePort) p).withPeer(Optional.of(peer));
    }

    private static String device(String portName) {
      int dot = portName.indexOf('.');
      require(dot > 0, "port names are device.port, got " + portName);
      return portName.substring(0, dot);
    }

    private static void require(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
