package org.nsvpn.topology;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouteId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.AuthMethod;
import org.nsvpn.chainrules.model.Bridge;
import org.nsvpn.chainrules.model.Host;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.Ipv6Address;
import org.nsvpn.chainrules.routing.Route;
import org.nsvpn.chainrules.rules.Chain;
import org.nsvpn.chainrules.vpn.VpnRedirectPlan;

/**
 * What every writer of the store must respect beyond referential consistency ({@link Topology}):
 * states the agent could never realise, refused when they are written instead of reported by the
 * agent later. The store checks them on every commit, whoever writes (CLI, agent, tests).
 *
 * <ul>
 *   <li>A router has at most one VPN service: one namespace and one redirect plan per router.
 *   <li>A VPN service's external IP is an address of a port of its router other than the service's
 *       namespace port: the uplink whose MAC and address the namespace takes over.
 *   <li>A connection's peer address is neither loopback nor link-local (no peer is reachable there
 *       through a router), nor its own service's external IP, and is of that IP's family (IPv4 or
 *       IPv6: the tunnel's outer family).
 *   <li>A connection that authenticates by certificate belongs to a service with CA certificates:
 *       without one, charon could trust no peer certificate.
 *   <li>A route's gateway lies in a subnet of its next-hop port, where the router resolves it (ARP,
 *       neighbour discovery); an IPv6 link-local gateway is on-link on any port.
 *   <li>Names are unique within their scope ({@link NameScopes}), except hosts'.
 * </ul>
 *
 * <p>The agent's own writes pass: its redirect plan's routes have the namespace side of the plan's
 * /30 as gateway, inside the namespace port's /30, and the chain it creates, named after the
 * service id, is exempt from the name rule (an operator's chain of that name is refused instead).
 *
 * <p>A transaction may not introduce a violation. Violations already stored (written before these
 * rules) do not block other writes: a write that leaves one as it was is accepted, one that changes
 * a violating object's offending value or draws another object into the conflict is refused. Only
 * the objects a transaction touches, and those whose rules read them, are checked, so a check costs
 * in proportion to the transaction, not to the store.
 */
final class StoreRules {
  private static final IpSubnet LOOPBACK_V4 = IpSubnet.parse("127.0.0.0/8");
  private static final IpSubnet LOOPBACK_V6 = IpSubnet.parse("::1/128");

  private StoreRules() {}

  /** One broken rule: {@code key} identifies it across snapshots, {@code message} explains it. */
  private record Violation(String key, String message) {}

  /**
   * The problems that {@code next}, the result of a transaction on {@code base} that wrote or
   * deleted {@code touched}, has and {@code base} had not; one line each, naming the field and the
   * conflicting object.
   */
  static List<String> introduced(StoreSnapshot base, StoreSnapshot next, Set<EntityId> touched) {
    if (touched.isEmpty()) {
      return List.of();
    }
    Subjects subjects = Subjects.of(base.topology(), next.topology(), touched);
    Set<String> before = new LinkedHashSet<>();
    check(base, subjects, touched).forEach(v -> before.add(v.key()));
    Map<String, String> out = new LinkedHashMap<>();
    for (Violation v : check(next, subjects, touched)) {
      if (!before.contains(v.key())) {
        out.putIfAbsent(v.key(), v.message());
      }
    }
    return new ArrayList<>(out.values());
  }

  /**
   * The ports of {@code service}'s router, other than its namespace port, that hold its external IP
   * (the uplinks the agent can use). {@link Cascade} uses this too.
   */
  static List<RouterPort> uplinks(Topology topology, VpnService service) {
    PortId namespacePort = VpnRedirectPlan.namespacePortId(service.id());
    return topology.routerPorts(service.router()).stream()
        .filter(p -> !p.id().equals(namespacePort) && p.hasAddress(service.externalIp()))
        .toList();
  }

  /**
   * Whether {@code chain} is the local-redirect chain a VPN service's redirect plan created: the
   * agent names it after the service id and must be able to write it whatever operators named their
   * chains (an operator's chain of the same name is refused instead).
   */
  private static boolean planOwned(Topology topology, Chain chain) {
    return topology.vpnServices().stream()
        .anyMatch(s -> VpnRedirectPlan.ownedChainId(s.id()).equals(chain.id()));
  }

  /** The objects whose rules a transaction can affect, the same for both snapshots. */
  private record Subjects(
      Set<VpnServiceId> services,
      Set<IpsecSiteConnectionId> connections,
      Set<RouteId> routes,
      List<Identified> named) {

    static Subjects of(Topology base, Topology next, Set<EntityId> touched) {
      Set<RouterId> routers = new LinkedHashSet<>();
      Set<PortId> ports = new LinkedHashSet<>();
      Set<VpnServiceId> services = new LinkedHashSet<>();
      Set<IpsecSiteConnectionId> connections = new LinkedHashSet<>();
      Set<RouteId> routes = new LinkedHashSet<>();
      List<Identified> named = new ArrayList<>();
      for (EntityId id : touched) {
        for (Topology t : List.of(base, next)) {
          if (id instanceof PortId port) {
            ports.add(port);
            t.port(port)
                .filter(p -> p instanceof RouterPort)
                .ifPresent(p -> routers.add(((RouterPort) p).router()));
          } else if (id instanceof VpnServiceId service) {
            services.add(service);
            t.vpnService(service).ifPresent(s -> routers.add(s.router()));
            t.connections(service).forEach(c -> connections.add(c.id()));
          } else if (id instanceof IpsecSiteConnectionId connection) {
            connections.add(connection);
          } else if (id instanceof RouteId route) {
            routes.add(route);
          } else if (id instanceof RouterId router) {
            routers.add(router);
          }
        }
        next.find(id)
            .filter(o -> !(o instanceof Host) && !(o instanceof Chain c && planOwned(next, c)))
            .filter(o -> ObjectKind.ofObject(o).nameOf(o).isPresent())
            .ifPresent(named::add);
      }
      for (Topology t : List.of(base, next)) {
        for (RouterId router : routers) {
          t.vpnServices(router).forEach(s -> services.add(s.id()));
          for (Route r : t.routes(router)) {
            if (r.nextHopPort().filter(ports::contains).isPresent()) {
              routes.add(r.id());
            }
          }
        }
        for (VpnServiceId service : services) {
          t.connections(service).forEach(c -> connections.add(c.id()));
        }
      }
      return new Subjects(services, connections, routes, named);
    }
  }

  private static List<Violation> check(
      StoreSnapshot snapshot, Subjects subjects, Set<EntityId> touched) {
    Topology t = snapshot.topology();
    List<Violation> out = new ArrayList<>();
    for (VpnServiceId id : subjects.services()) {
      t.vpnService(id)
          .ifPresent(
              s -> {
                onePerRouter(snapshot, s, touched).ifPresent(out::add);
                externalIpOnRouter(snapshot, s, touched).ifPresent(out::add);
              });
    }
    for (IpsecSiteConnectionId id : subjects.connections()) {
      t.connection(id)
          .ifPresent(
              c -> {
                out.addAll(peerAddress(snapshot, c, touched));
                trustsACa(snapshot, c, touched).ifPresent(out::add);
              });
    }
    for (RouteId id : subjects.routes()) {
      t.route(id).ifPresent(r -> gatewayOnLink(snapshot, r, touched).ifPresent(out::add));
    }
    for (Identified object : subjects.named()) {
      uniqueName(snapshot, object).ifPresent(out::add);
    }
    return out;
  }

  private static Optional<Violation> onePerRouter(
      StoreSnapshot snapshot, VpnService service, Set<EntityId> touched) {
    List<VpnService> all = snapshot.topology().vpnServices(service.router());
    if (all.size() < 2) {
      return Optional.empty();
    }
    VpnService subject =
        all.stream().filter(s -> touched.contains(s.id())).findFirst().orElse(service);
    VpnService other =
        all.stream()
            .filter(s -> !s.id().equals(subject.id()))
            .min((a, b) -> Boolean.compare(touched.contains(a.id()), touched.contains(b.id())))
            .orElseThrow();
    return Optional.of(
        new Violation(
            "one-per-router " + service.router() + " " + ids(all),
            "router: "
                + snapshot.label(service.router())
                + " already has vpn-service "
                + snapshot.label(other.id())
                + "; a router has at most one vpn-service"));
  }

  private static Optional<Violation> externalIpOnRouter(
      StoreSnapshot snapshot, VpnService service, Set<EntityId> touched) {
    if (!uplinks(snapshot.topology(), service).isEmpty()) {
      return Optional.empty();
    }
    String router = snapshot.label(service.router());
    String message =
        touched.contains(service.id())
            ? "external-ip: "
                + service.externalIp()
                + " is not an address of any port of router "
                + router
            : "address: no port of router "
                + router
                + " would hold "
                + service.externalIp()
                + ", the external-ip of vpn-service "
                + snapshot.label(service.id());
    return Optional.of(
        new Violation(
            "external-ip " + service.id() + " " + service.externalIp() + " " + service.router(),
            message));
  }

  private static List<Violation> peerAddress(
      StoreSnapshot snapshot, IpsecSiteConnection connection, Set<EntityId> touched) {
    List<Violation> out = new ArrayList<>();
    IpAddress peer = connection.peerAddress();
    Optional<String> unreachable = unreachable(peer);
    if (unreachable.isPresent()) {
      out.add(
          new Violation(
              "peer-scope " + connection.id() + " " + peer,
              "peer-address: "
                  + peer
                  + " is a "
                  + unreachable.get()
                  + " address; a peer must be reachable through the router"));
    }
    Optional<VpnService> service = snapshot.topology().vpnService(connection.vpnService());
    if (service.isPresent() && service.get().externalIp().equals(peer)) {
      String message =
          touched.contains(connection.id())
              ? "peer-address: "
                  + peer
                  + " is the external-ip of its own vpn-service "
                  + snapshot.label(service.get().id())
              : "external-ip: "
                  + peer
                  + " is the peer-address of ipsec-site-connection "
                  + snapshot.label(connection.id())
                  + " of this vpn-service";
      out.add(new Violation("peer-own " + connection.id() + " " + peer, message));
    }
    if (service.isPresent() && service.get().externalIp().family() != peer.family()) {
      IpAddress external = service.get().externalIp();
      String message =
          touched.contains(connection.id())
              ? "peer-address: "
                  + peer
                  + " is "
                  + peer.family()
                  + ", but the external-ip of vpn-service "
                  + snapshot.label(service.get().id())
                  + " is "
                  + external.family()
                  + " ("
                  + external
                  + "); a tunnel's two ends are of one family"
              : "external-ip: "
                  + external
                  + " is "
                  + external.family()
                  + ", but ipsec-site-connection "
                  + snapshot.label(connection.id())
                  + " of this vpn-service has the "
                  + peer.family()
                  + " peer-address "
                  + peer
                  + "; a tunnel's two ends are of one family";
      out.add(new Violation("peer-family " + connection.id() + " " + peer, message));
    }
    return out;
  }

  private static Optional<Violation> trustsACa(
      StoreSnapshot snapshot, IpsecSiteConnection connection, Set<EntityId> touched) {
    if (connection.auth() != AuthMethod.CERT) {
      return Optional.empty();
    }
    Optional<VpnService> service = snapshot.topology().vpnService(connection.vpnService());
    if (service.isEmpty() || !service.get().caCertificates().isEmpty()) {
      return Optional.empty();
    }
    String label = snapshot.label(service.get().id());
    String message =
        touched.contains(connection.id())
            ? "auth: ipsec-site-connection "
                + snapshot.label(connection.id())
                + " authenticates by certificate, but vpn-service "
                + label
                + " has no ca-certificates to check the peer's against; first: vpn-service "
                + label
                + " set ca-certificates file:PATH"
            : "ca-certificates: vpn-service "
                + label
                + " needs at least one while ipsec-site-connection "
                + snapshot.label(connection.id())
                + " authenticates by certificate";
    return Optional.of(new Violation("no-ca " + connection.id(), message));
  }

  private static Optional<String> unreachable(IpAddress peer) {
    if (LOOPBACK_V4.contains(peer) || LOOPBACK_V6.contains(peer)) {
      return Optional.of("loopback");
    }
    if ((peer instanceof Ipv4Address v4 && v4.isLinkLocal())
        || (peer instanceof Ipv6Address v6 && v6.isLinkLocal())) {
      return Optional.of("link-local");
    }
    return Optional.empty();
  }

  private static Optional<Violation> gatewayOnLink(
      StoreSnapshot snapshot, Route route, Set<EntityId> touched) {
    if (route.nextHopGateway().isEmpty() || route.nextHopPort().isEmpty()) {
      return Optional.empty();
    }
    IpAddress gw = route.nextHopGateway().get();
    PortId portId = route.nextHopPort().get();
    Optional<RouterPort> port =
        snapshot
            .topology()
            .port(portId)
            .filter(RouterPort.class::isInstance)
            .map(p -> (RouterPort) p);
    if (port.isEmpty() || onLink(port.get(), gw)) {
      return Optional.empty();
    }
    String message;
    if (touched.contains(route.id())) {
      List<InterfaceAddress> addresses = port.get().addresses();
      message =
          "gw: "
              + gw
              + " is outside the subnets of next-hop port "
              + snapshot.label(portId)
              + (addresses.isEmpty()
                  ? " (it has no address)"
                  : " ("
                      + addresses.stream()
                          .map(a -> a.subnet().toString())
                          .collect(Collectors.joining(", "))
                      + ")");
    } else {
      message =
          "address: port "
              + snapshot.label(portId)
              + " would no longer be on the subnet of "
              + gw
              + ", the gw of route "
              + snapshot.label(route.id());
    }
    return Optional.of(new Violation("route-gw " + route.id() + " " + gw + " " + portId, message));
  }

  private static boolean onLink(RouterPort port, IpAddress gw) {
    return (gw instanceof Ipv6Address v6 && v6.isLinkLocal())
        || port.addresses().stream().anyMatch(a -> a.subnet().contains(gw));
  }

  /**
   * {@code object} (as the transaction leaves it) and the objects of {@code snapshot} in its scope
   * with its name: a violation when they are two or more.
   */
  private static Optional<Violation> uniqueName(StoreSnapshot snapshot, Identified object) {
    String name = ObjectKind.ofObject(object).nameOf(object).orElseThrow();
    List<Identified> holders = holders(snapshot, object, name);
    Set<EntityId> sharing = new LinkedHashSet<>();
    holders.forEach(h -> sharing.add(h.id()));
    snapshot
        .topology()
        .find(object.id())
        .filter(o -> ObjectKind.ofObject(o).nameOf(o).equals(Optional.of(name)))
        .ifPresent(o -> sharing.add(o.id()));
    if (holders.isEmpty() || sharing.size() < 2) {
      return Optional.empty();
    }
    Identified other = holders.get(0);
    return Optional.of(
        new Violation(
            "name " + NameScopes.rule(object) + " " + name + " " + ids(sharing),
            NameScopes.conflict(object, other, snapshot.label(other.id()))));
  }

  /**
   * {@link NameScopes#holders}, through the snapshot's name index where the scope is a whole kind
   * (a lookup instead of a pass over every router and bridge per named object written). With two or
   * more holders, which only a store written before the name rule can hold, the pass decides, so
   * that the message names the same holder as before.
   */
  private static List<Identified> holders(StoreSnapshot snapshot, Identified object, String name) {
    if (object instanceof IpsecSiteConnection) {
      return NameScopes.holders(snapshot.topology(), object);
    }
    List<EntityId> ids = new ArrayList<>();
    if (object instanceof Router || object instanceof Bridge) {
      ids.addAll(snapshot.named(ObjectKind.ROUTER, name));
      ids.addAll(snapshot.named(ObjectKind.BRIDGE, name));
    } else {
      ids.addAll(snapshot.named(ObjectKind.ofObject(object), name));
    }
    ids.remove(object.id());
    if (ids.size() > 1) {
      return NameScopes.holders(snapshot.topology(), object);
    }
    List<Identified> out = new ArrayList<>();
    ids.forEach(id -> snapshot.topology().find(id).ifPresent(out::add));
    return out;
  }

  private static String ids(Collection<?> objects) {
    Set<String> sorted = new TreeSet<>();
    for (Object o : objects) {
      sorted.add(o instanceof Identified i ? i.id().toString() : o.toString());
    }
    return String.join(",", sorted);
  }
}
