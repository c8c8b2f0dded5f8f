package org.nsvpn.chainrules.vpn;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouteId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.RuleId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.Port;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.TopologyChange;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpFamily;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.Ipv4Subnet;
import org.nsvpn.chainrules.net.Ipv6Address;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.routing.Route;
import org.nsvpn.chainrules.routing.RouteType;
import org.nsvpn.chainrules.rules.Chain;
import org.nsvpn.chainrules.rules.Condition;
import org.nsvpn.chainrules.rules.L2TransformRule;
import org.nsvpn.chainrules.rules.PortRange;
import org.nsvpn.chainrules.rules.RedirectAction;
import org.nsvpn.chainrules.rules.Rule;

/**
 * Everything one VPN service requires, computed from a topology snapshot (see the package comment).
 * Obtain one with {@link #request(Topology, VpnServiceId)}; turn it into topology writes with
 * {@link #installChange(Topology)} and undo them with {@link #removalChange(Topology)}.
 *
 * <p>Traffic flow it sets up (seed 002): ESP, IKE (UDP 500) and NAT-T (UDP 4500) addressed to the
 * public IP are redirected, unchanged, from the router's local-redirect chain to the namespace
 * port; cleartext from each local CIDR to each peer CIDR is routed to the namespace through its
 * link-local address: the namespace side of the /30 for IPv4, {@link #NAMESPACE_SIDE_V6} for IPv6.
 * A service with IPv6 connections or an IPv6 public IP gets an IPv6 link-local pair on the
 * namespace link ({@link #ROUTER_SIDE_V6} on the namespace port, {@link #NAMESPACE_SIDE_V6} in the
 * namespace, whose IPv6 default route goes via the router side, MAC pinned): over it go the IPv6
 * CIDRs' cleartext and, when the public IP is IPv6, the namespace's IKE and ESP towards its peers.
 * The /30 stays in either case, for IPv4 CIDRs carried over IPv6 tunnels. The public IP and every
 * peer address of a service are of one family (the tunnels' outer family); the CIDRs of each
 * connection are of one family, either. Routes stay in place while a connection is administratively
 * down, so its traffic is dropped in the namespace instead of leaking in clear through other
 * routes.
 *
 * @param service the VPN service
 * @param router the service's router
 * @param uplinkPort the router port that holds the public IP
 * @param publicIp the service's external IP
 * @param linkLocal the /30 joining router (.1) and namespace (.2)
 * @param namespacePort the router port the namespace attaches to
 * @param namespace what the namespace manager must realise on the host
 * @param localRedirectChain the router's local-redirect chain, or the chain to create for it
 * @param chainOwned true when that chain belongs to this service (created for it), so removal may
 *     delete it once it holds no other rules
 * @param redirectRules the ESP, IKE and NAT-T redirects, in this order
 * @param routes one route per (local CIDR, peer CIDR) pair over all connections
 */
public record VpnRedirectPlan(
    VpnServiceId service,
    RouterId router,
    PortId uplinkPort,
    IpAddress publicIp,
    Ipv4Subnet linkLocal,
    RouterPort namespacePort,
    NamespaceSpec namespace,
    ChainId localRedirectChain,
    boolean chainOwned,
    List<L2TransformRule> redirectRules,
    List<Route> routes) {

  /** IP protocol number of ESP. */
  public static final int PROTO_ESP = 50;

  /** IP protocol number of UDP. */
  public static final int PROTO_UDP = 17;

  /** IKE's UDP port. */
  public static final int PORT_IKE = 500;

  /** NAT-T's UDP port (IKE and UDP-encapsulated ESP behind NAT, or when forced). */
  public static final int PORT_NAT_T = 4500;

  /**
   * The router side of the namespace link for IPv6 carried inside the tunnels. Link-local, so the
   * same pair serves every service: each namespace link is a link of its own.
   */
  public static final Ipv6Address ROUTER_SIDE_V6 = Ipv6Address.parse("fe80::1");

  /** The namespace side of the IPv6 namespace link: the next hop of routes to IPv6 peer CIDRs. */
  public static final Ipv6Address NAMESPACE_SIDE_V6 = Ipv6Address.parse("fe80::2");

  private static final int LINK_V6_PREFIX = 64;

  public VpnRedirectPlan {
    Require.nonNull("vpn-service", service);
    Require.nonNull("router", router);
    Require.nonNull("uplink port", uplinkPort);
    Require.nonNull("external-ip", publicIp);
    LinkLocalAllocator.requireAllocatable(linkLocal);
    Require.nonNull("namespace port", namespacePort);
    Require.nonNull("namespace", namespace);
    Require.nonNull("local-redirect-chain", localRedirectChain);
    redirectRules = List.copyOf(Require.noNulls("redirect rules", redirectRules));
    routes = List.copyOf(Require.noNulls("routes", routes));
  }

  /** Starts a plan computation for {@code service} in {@code topology}. */
  public static Request request(Topology topology, VpnServiceId service) {
    return new Request(topology, service);
  }

  // ---- derived ids --------------------------------------------------------------------------

  /** The id of the namespace port a service gets unless told otherwise. */
  public static PortId namespacePortId(VpnServiceId service) {
    return new PortId(service.derive("namespace-port"));
  }

  /** The id of the local-redirect chain created for a service's router when it has none. */
  public static ChainId ownedChainId(VpnServiceId service) {
    return new ChainId(service.derive("local-redirect-chain"));
  }

  /**
   * The MAC of the namespace port a service gets unless told otherwise: locally administered,
   * unicast, derived from the service id so that it is stable across recomputations.
   */
  public static MacAddress namespacePortMac(VpnServiceId service) {
    long bits = service.derive("namespace-port-mac").getLeastSignificantBits() & 0xffff_ffff_ffffL;
    return new MacAddress(MacAddress.locallyAdministeredUnicast(bits));
  }

  private static RuleId ruleId(VpnServiceId service, String purpose) {
    return new RuleId(service.derive("redirect " + purpose));
  }

  private static RouteId routeId(VpnServiceId service, IpSubnet local, IpSubnet peer) {
    return new RouteId(service.derive("route " + local + " " + peer));
  }

  // ---- applying -----------------------------------------------------------------------------

  /**
   * The writes that make {@code current} contain this plan, touching nothing the plan does not own:
   * the namespace port (keeping any host binding already on it), the redirect rules placed first in
   * the router's local-redirect chain (created if the router has none; foreign rules kept in
   * order), the routes; and the deletion of routes via the namespace port that the plan no longer
   * has (a removed connection or CIDR). Empty when {@code current} already matches.
   *
   * @throws InvalidValueException when the router or the public IP's port has gone from {@code
   *     current}
   */
  public TopologyChange installChange(Topology current) {
    Router currentRouter = requireRouter(current);
    List<Identified> upserts = new ArrayList<>();
    List<EntityId> deletions = new ArrayList<>();

    RouterPort desiredPort = namespacePort;
    Optional<Port> existingPort = current.port(namespacePort.id());
    if (existingPort.isPresent() && existingPort.get() instanceof RouterPort rp) {
      desiredPort = namespacePort.withBinding(rp.binding());
    }
    if (!existingPort.equals(Optional.of(desiredPort))) {
      upserts.add(desiredPort);
    }

    Optional<Chain> chain = currentRouter.localRedirectChain().flatMap(current::chain);
    Chain base = chain.orElse(Chain.empty(localRedirectChain, chainName()));
    Set<RuleId> ours = ruleIds();
    List<Rule> rules = new ArrayList<>(redirectRules);
    base.rules().stream().filter(r -> !ours.contains(r.id())).forEach(rules::add);
    Chain desiredChain = base.withRules(rules);
    if (!chain.equals(Optional.of(desiredChain))) {
      upserts.add(desiredChain);
    }
    if (chain.isEmpty()) {
      upserts.add(currentRouter.withLocalRedirectChain(Optional.of(base.id())));
    }

    Set<RouteId> planned = new HashSet<>();
    for (Route route : routes) {
      planned.add(route.id());
      if (!current.route(route.id()).equals(Optional.of(route))) {
        upserts.add(route);
      }
    }
    for (Route route : current.routes(router)) {
      if (route.nextHopPort().equals(Optional.of(namespacePort.id()))
          && !planned.contains(route.id())) {
        deletions.add(route.id());
      }
    }
    return new TopologyChange(upserts, deletions);
  }

  /**
   * The writes that take this plan's objects out of {@code current}: every route via the namespace
   * port, the redirect rules, the namespace port, and the local-redirect chain itself only if this
   * service created it and no other rule has been added to it since. Empty when none of it is
   * there.
   */
  public TopologyChange removalChange(Topology current) {
    List<Identified> upserts = new ArrayList<>();
    List<EntityId> deletions = new ArrayList<>();
    for (Route route : current.routes(router)) {
      if (route.nextHopPort().equals(Optional.of(namespacePort.id()))) {
        deletions.add(route.id());
      }
    }
    Optional<Router> currentRouter = current.router(router);
    Optional<Chain> chain =
        currentRouter.flatMap(Router::localRedirectChain).flatMap(current::chain);
    if (chain.isPresent()) {
      Set<RuleId> ours = ruleIds();
      List<Rule> remaining =
          chain.get().rules().stream().filter(r -> !ours.contains(r.id())).toList();
      if (remaining.isEmpty() && chain.get().id().equals(ownedChainId(service))) {
        upserts.add(currentRouter.get().withLocalRedirectChain(Optional.empty()));
        deletions.add(chain.get().id());
      } else if (remaining.size() != chain.get().rules().size()) {
        upserts.add(chain.get().withRules(remaining));
      }
    }
    if (current.port(namespacePort.id()).isPresent()) {
      deletions.add(namespacePort.id());
    }
    return new TopologyChange(upserts, deletions);
  }

  private Set<RuleId> ruleIds() {
    Set<RuleId> ids = new HashSet<>();
    redirectRules.forEach(r -> ids.add(r.id()));
    return ids;
  }

  private String chainName() {
    return "vpn-" + service.hex().substring(0, 12) + "-redirect";
  }

  private Router requireRouter(Topology current) {
    return current
        .router(router)
        .orElseThrow(() -> new InvalidValueException("router", router, "no longer exists"));
  }

  /** Collects the inputs of a plan; {@link #compute()} validates them and builds the plan. */
  public static final class Request {
    private final Topology topology;
    private final VpnServiceId serviceId;
    private Ipv4Subnet linkLocal;
    private PortId namespacePortId;
    private MacAddress namespacePortMac;

    private Request(Topology topology, VpnServiceId serviceId) {
      this.topology = Require.nonNull("topology", topology);
      this.serviceId = Require.nonNull("vpn-service", serviceId);
    }

    /** Uses this /30 instead of asking {@link LinkLocalAllocator#fromTopology}. */
    public Request linkLocal(Ipv4Subnet block) {
      this.linkLocal = LinkLocalAllocator.requireAllocatable(block);
      return this;
    }

    /** Uses this id and MAC for the namespace port instead of the ones derived from the service. */
    public Request namespacePort(PortId id, MacAddress mac) {
      this.namespacePortId = Require.nonNull("namespace port id", id);
      this.namespacePortMac = Require.nonNull("namespace port mac", mac);
      return this;
    }

    /**
     * Validates the service against the topology and computes the plan.
     *
     * @throws InvalidValueException naming the field at fault: a missing service, a second service
     *     on the router, an external IP not on any port of the router, a peer address of the other
     *     family than the external IP's, CIDRs of different connections that overlap
     * @throws LinkLocalExhaustedException when no link-local block is free
     */
    public VpnRedirectPlan compute() {
      VpnService service =
          topology
              .vpnService(serviceId)
              .orElseThrow(
                  () -> new InvalidValueException("vpn-service", serviceId, "does not exist"));
      RouterId routerId = service.router();
      for (VpnService other : topology.vpnServices(routerId)) {
        if (!other.id().equals(serviceId)) {
          throw new InvalidValueException(
              "router", routerId, "already has vpn-service " + other.name() + "; one per router");
        }
      }
      IpAddress publicIp = service.externalIp();
      PortId nsPortId = namespacePortId != null ? namespacePortId : namespacePortId(serviceId);
      MacAddress nsMac = namespacePortMac != null ? namespacePortMac : namespacePortMac(serviceId);
      RouterPort uplink =
          topology.routerPorts(routerId).stream()
              .filter(p -> !p.id().equals(nsPortId) && p.hasAddress(publicIp))
              .findFirst()
              .orElseThrow(
                  () ->
                      new InvalidValueException(
                          "external-ip",
                          publicIp,
                          "is not an address of any port of router " + routerId + " (the uplink)"));
      if (nsMac.equals(uplink.mac())) {
        throw new InvalidValueException(
            "namespace port mac",
            nsMac,
            "must differ from the uplink's MAC, which the namespace mirrors");
      }
      Ipv4Subnet block = linkLocal != null ? linkLocal : existingOrNewBlock(routerId, nsPortId);
      Ipv4Address routerSide = block.address().plus(1);
      Ipv4Address namespaceSide = block.address().plus(2);
      boolean v6 =
          publicIp.family() == IpFamily.IPV6
              || topology.connections(serviceId).stream()
                  .anyMatch(c -> c.family() == IpFamily.IPV6);
      List<InterfaceAddress> portAddresses = new ArrayList<>();
      portAddresses.add(new InterfaceAddress(routerSide, 30));
      List<InterfaceAddress> nsAddresses = new ArrayList<>();
      nsAddresses.add(new InterfaceAddress(namespaceSide, 30));
      nsAddresses.add(InterfaceAddress.host(publicIp));
      List<StaticNeighbour> neighbours = new ArrayList<>();
      neighbours.add(new StaticNeighbour(routerSide, nsMac));
      if (v6) {
        portAddresses.add(new InterfaceAddress(ROUTER_SIDE_V6, LINK_V6_PREFIX));
        nsAddresses.add(new InterfaceAddress(NAMESPACE_SIDE_V6, LINK_V6_PREFIX));
        neighbours.add(new StaticNeighbour(ROUTER_SIDE_V6, nsMac));
      }
      RouterPort nsPort =
          RouterPort.of(nsPortId, routerId, nsMac, portAddresses.toArray(InterfaceAddress[]::new));
      NamespaceSpec spec =
          new NamespaceSpec(
              VpnNames.namespace(serviceId),
              VpnNames.namespaceInterface(serviceId),
              VpnNames.hostInterface(serviceId),
              uplink.mac(),
              nsAddresses,
              routerSide,
              neighbours,
              selectorAddresses(routerId, topology.connections(serviceId)),
              blackholes(
                  topology.connections(serviceId),
                  List.of(routerSide, namespaceSide, publicIp, ROUTER_SIDE_V6, NAMESPACE_SIDE_V6)),
              v6 ? Optional.of(ROUTER_SIDE_V6) : Optional.empty());

      Router router = topology.router(routerId).orElseThrow();
      Optional<ChainId> existingChain = router.localRedirectChain();
      ChainId chainId = existingChain.orElse(ownedChainId(serviceId));

      IpSubnet publicHost = IpSubnet.host(publicIp);
      RedirectAction toNamespace = RedirectAction.to(nsPortId);
      List<L2TransformRule> rules =
          List.of(
              new L2TransformRule(
                  ruleId(serviceId, "esp"),
                  Condition.builder().nwDst(publicHost).nwProto(PROTO_ESP).build(),
                  toNamespace),
              new L2TransformRule(
                  ruleId(serviceId, "ike"),
                  Condition.builder()
                      .nwDst(publicHost)
                      .nwProto(PROTO_UDP)
                      .tpDst(PortRange.of(PORT_IKE))
                      .build(),
                  toNamespace),
              new L2TransformRule(
                  ruleId(serviceId, "nat-t"),
                  Condition.builder()
                      .nwDst(publicHost)
                      .nwProto(PROTO_UDP)
                      .tpDst(PortRange.of(PORT_NAT_T))
                      .build(),
                  toNamespace));

      List<Route> routes =
          routes(routerId, nsPortId, namespaceSide, publicIp, topology.connections(serviceId));
      return new VpnRedirectPlan(
          serviceId,
          routerId,
          uplink.id(),
          publicIp,
          block,
          nsPort,
          spec,
          chainId,
          chainId.equals(ownedChainId(serviceId)),
          rules,
          routes);
    }

    /**
     * One host address inside each local CIDR, for the namespace's loopback (see {@link
     * NamespaceSpec#loopbackAddresses()}): the router's own address on that subnet when it has one,
     * which no host behind the router uses; otherwise the subnet's network address.
     */
    private List<InterfaceAddress> selectorAddresses(
        RouterId routerId, List<IpsecSiteConnection> connections) {
      Set<IpAddress> chosen = new LinkedHashSet<>();
      for (IpsecSiteConnection c : connections) {
        for (IpSubnet local : c.localCidrs()) {
          IpAddress address =
              topology.routerPorts(routerId).stream()
                  .flatMap(p -> p.addresses().stream())
                  .map(InterfaceAddress::address)
                  .filter(local::contains)
                  .findFirst()
                  .orElse(local.address());
          chosen.add(address);
        }
      }
      return chosen.stream().map(InterfaceAddress::host).toList();
    }

    /**
     * The peer CIDRs, which the namespace drops unless a tunnel carries them (see {@link
     * NamespaceSpec#blackholeRoutes()}). A peer CIDR holding a peer's public address, or the
     * namespace's own link, is left out: dropping it would drop IKE before any tunnel exists.
     */
    private static List<IpSubnet> blackholes(
        List<IpsecSiteConnection> connections, List<IpAddress> namespaceAddresses) {
      List<IpAddress> keep = new ArrayList<>(namespaceAddresses);
      connections.forEach(c -> keep.add(c.peerAddress()));
      return connections.stream()
          .flatMap(c -> c.peerCidrs().stream())
          .distinct()
          .filter(cidr -> keep.stream().noneMatch(cidr::contains))
          .toList();
    }

    /** The block of the namespace port if it is already there, else a free one. */
    private Ipv4Subnet existingOrNewBlock(RouterId routerId, PortId nsPortId) {
      return topology
          .port(nsPortId)
          .filter(p -> p instanceof RouterPort rp && rp.router().equals(routerId))
          .flatMap(p -> LinkLocalAllocator.blockOf((RouterPort) p))
          .orElseGet(() -> LinkLocalAllocator.fromTopology(topology).blockFor(routerId));
    }

    private List<Route> routes(
        RouterId routerId,
        PortId nsPortId,
        Ipv4Address gateway,
        IpAddress publicIp,
        List<IpsecSiteConnection> connections) {
      List<Route> routes = new ArrayList<>();
      Set<IpSubnet> peersSoFar = new LinkedHashSet<>();
      Set<IpSubnet> localsSoFar = new LinkedHashSet<>();
      for (IpsecSiteConnection c : connections) {
        String where = "ipsec-site-connection " + c.name() + " ";
        if (c.peerAddress().family() != publicIp.family()) {
          throw new InvalidValueException(
              where + "peer-address",
              c.peerAddress(),
              "must be "
                  + publicIp.family()
                  + " like the service's external-ip "
                  + publicIp
                  + " (a tunnel's two ends are of one family)");
        }
        for (IpSubnet peer : c.peerCidrs()) {
          for (IpSubnet seen : peersSoFar) {
            if (seen.overlaps(peer)) {
              throw new InvalidValueException(
                  where + "peer-cidrs",
                  peer,
                  "overlaps peer CIDR " + seen + " of another connection of this service");
            }
          }
          for (IpSubnet local : localsSoFar) {
            if (local.overlaps(peer)) {
              throw new InvalidValueException(
                  where + "peer-cidrs",
                  peer,
                  "overlaps local CIDR " + local + " of another connection of this service");
            }
          }
        }
        for (IpSubnet local : c.localCidrs()) {
          for (IpSubnet peer : peersSoFar) {
            if (peer.overlaps(local)) {
              throw new InvalidValueException(
                  where + "local-cidrs",
                  local,
                  "overlaps peer CIDR " + peer + " of another connection of this service");
            }
          }
        }
        peersSoFar.addAll(c.peerCidrs());
        localsSoFar.addAll(c.localCidrs());
        for (IpSubnet local : c.localCidrs()) {
          for (IpSubnet peer : c.peerCidrs()) {
            Optional<IpAddress> gw =
                Optional.of(c.family() == IpFamily.IPV6 ? NAMESPACE_SIDE_V6 : gateway);
            routes.add(
                new Route(
                    routeId(serviceId, local, peer),
                    routerId,
                    local,
                    peer,
                    RouteType.NORMAL,
                    Optional.of(nsPortId),
                    gw,
                    Route.DEFAULT_WEIGHT));
          }
        }
      }
      return routes;
    }
  }
}
