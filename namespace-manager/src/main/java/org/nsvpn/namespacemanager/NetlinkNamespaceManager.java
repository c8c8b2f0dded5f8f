package org.nsvpn.namespacemanager;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpFamily;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.Ipv6Address;
import org.nsvpn.chainrules.vpn.NamespaceSpec;
import org.nsvpn.chainrules.vpn.StaticNeighbour;
import org.nsvpn.namespacemanager.netns.NetworkNamespaces;
import org.nsvpn.namespacemanager.rtnl.AddressEntry;
import org.nsvpn.namespacemanager.rtnl.Link;
import org.nsvpn.namespacemanager.rtnl.NeighbourEntry;
import org.nsvpn.namespacemanager.rtnl.NetSysctls;
import org.nsvpn.namespacemanager.rtnl.RouteEntry;
import org.nsvpn.namespacemanager.rtnl.RouteNetlink;
import org.nsvpn.namespacemanager.rtnl.Rtnl;
import org.nsvpn.namespacemanager.rtnl.VethPair;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link NamespaceManager} over rtnetlink. The host side is configured through one shared socket
 * opened in the host namespace; the namespace side through a socket that a namespace worker opens
 * inside the namespace, the same worker that then does the whole ensure (the sysctls under
 * /proc/sys/net need a thread inside the namespace anyway).
 */
final class NetlinkNamespaceManager implements NamespaceManager {
  private static final Logger log = LoggerFactory.getLogger(NetlinkNamespaceManager.class);
  private static final int LOCK_STRIPES = 256;
  private static final int LOOPBACK_INDEX = 1;
  private static final Ipv6Address IPV6_LOOPBACK = Ipv6Address.parse("::1");
  private static final long TEARDOWN_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final NetworkNamespaces namespaces;
  private final RouteNetlink host;
  private final Object[] locks = new Object[LOCK_STRIPES];
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Host veth end of each namespace this manager ensured: lets remove skip a lookup. */
  private final Map<String, String> hostEnds = new ConcurrentHashMap<>();

  /**
   * Host veth ends whose namespace was removed, which the kernel may still be tearing down, with
   * the time of removal. Entries older than the teardown wait no longer matter and are pruned.
   */
  private final Map<String, Long> tearingDown = new ConcurrentHashMap<>();

  NetlinkNamespaceManager(NetworkNamespaces namespaces) {
    this.namespaces = namespaces;
    this.host = RouteNetlink.open();
    for (int i = 0; i < LOCK_STRIPES; i++) {
      locks[i] = new Object();
    }
  }

  private Object lockFor(String name) {
    return locks[Math.floorMod(name.hashCode(), LOCK_STRIPES)];
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new IllegalStateException("namespace manager is closed");
    }
  }

  @Override
  public EnsureResult ensure(NamespaceSpec spec) {
    requireOpen();
    validate(spec);
    String name = spec.name();
    List<Change> changes = new ArrayList<>();
    synchronized (lockFor(name)) {
      if (namespaces.exists(name)) {
        namespaces.run(name, () -> configure(spec, changes, false));
      } else {
        Optional<Link> taken = awaitTeardown(spec.hostInterfaceName());
        if (taken.isPresent()) {
          throw new InterfaceConflictException(
              "host interface "
                  + spec.hostInterfaceName()
                  + " exists but namespace "
                  + name
                  + " does not; it belongs to something else");
        }
        namespaces.create(
            name,
            () -> {
              changes.add(new Change(ChangeKind.NAMESPACE_CREATED, name));
              return configure(spec, changes, true);
            });
      }
    }
    hostEnds.put(name, spec.hostInterfaceName());
    EnsureResult result = new EnsureResult(name, changes);
    if (result.changed()) {
      log.info("namespace {}: {}", name, changes);
    } else {
      log.debug("namespace {}: as specified", name);
    }
    return result;
  }

  /**
   * The host link named {@code hostInterface}; when it is the end of a pair whose namespace this
   * manager removed, first waits (bounded) for the kernel to finish tearing it down.
   */
  private Optional<Link> awaitTeardown(String hostInterface) {
    Optional<Link> link = host.link(hostInterface);
    Long removedAt = tearingDown.get(hostInterface);
    if (link.isEmpty()
        || removedAt == null
        || System.nanoTime() - removedAt > TEARDOWN_WAIT_NANOS) {
      tearingDown.remove(hostInterface);
      return link;
    }
    long deadline = System.nanoTime() + TEARDOWN_WAIT_NANOS;
    long pauseMillis = 1;
    while (link.isPresent() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(pauseMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      pauseMillis = Math.min(pauseMillis * 2, 50);
      link = host.link(hostInterface);
    }
    if (link.isEmpty()) {
      tearingDown.remove(hostInterface);
    }
    return link;
  }

  /** Checks what the spec's constructor cannot: consistency the kernel would refuse half-way. */
  static void validate(NamespaceSpec spec) {
    if (spec.interfaceName().equals("lo")) {
      throw new InvalidValueException("interface name", "lo", "is the namespace's loopback device");
    }
    Set<IpAddress> seen = new HashSet<>();
    Set<IpFamily> families = new HashSet<>();
    for (InterfaceAddress a : spec.addresses()) {
      if (!seen.add(a.address())) {
        throw new InvalidValueException("addresses", a, "lists the same address twice");
      }
      families.add(a.family());
    }
    for (InterfaceAddress a : spec.loopbackAddresses()) {
      if (isLoopbackRange(a)) {
        throw new InvalidValueException(
            "loopback addresses", a, "is in the loopback range every namespace already has");
      }
    }
    Map<IpAddress, StaticNeighbour> neighbours = new HashMap<>();
    for (StaticNeighbour n : spec.neighbours()) {
      if (!families.contains(n.address().family())) {
        throw new InvalidValueException(
            "neighbour address",
            n.address(),
            "is " + n.address().family() + " but the interface has no such address");
      }
      if (neighbours.put(n.address(), n) != null) {
        throw new InvalidValueException("neighbours", n.address(), "lists the same address twice");
      }
      if (seen.contains(n.address())) {
        throw new InvalidValueException(
            "neighbour address", n.address(), "is the interface's own address");
      }
    }
  }

  /** Runs on a worker inside the namespace. */
  private Void configure(NamespaceSpec spec, List<Change> changes, boolean fresh) {
    boolean createdVeth = false;
    try (RouteNetlink inside = RouteNetlink.open()) {
      try {
        if (fresh) {
          createdVeth = true;
          build(spec, inside, changes);
          return null;
        }
        Optional<Link> found = inside.link(spec.interfaceName());
        if (found.isEmpty()) {
          if (host.link(spec.hostInterfaceName()).isPresent()) {
            throw new InterfaceConflictException(
                "host interface "
                    + spec.hostInterfaceName()
                    + " exists but its peer "
                    + spec.interfaceName()
                    + " is not in namespace "
                    + spec.name());
          }
          host.createVeth(veth(spec, false));
          createdVeth = true;
          changes.add(vethCreated(spec));
          found = inside.link(spec.interfaceName());
        }
        Link link =
            found.orElseThrow(
                () -> new IllegalStateException(spec.interfaceName() + " vanished after creation"));
        Link hostLink = checkPair(spec, link);
        configureLinks(spec, inside, link, hostLink, changes);
        int index = link.index();
        configureAddresses(spec, inside, index, inside.addresses(index), changes);
        configureLoopbackAddresses(spec, inside, changes);
        configureNeighbours(spec, inside, index, inside.neighbours(index), changes);
        List<RouteEntry> routes = new ArrayList<>(inside.routes(IpFamily.IPV4, Rtnl.RT_TABLE_MAIN));
        routes.addAll(inside.routes(IpFamily.IPV6, Rtnl.RT_TABLE_MAIN));
        configureRoutes(spec, inside, index, routes, changes);
        configureNamespaceSysctls(spec, changes);
        rpFilterOff(spec.interfaceName(), changes);
        return null;
      } catch (RuntimeException | Error e) {
        if (createdVeth) {
          rollbackVeth(spec, e);
        }
        throw e;
      }
    }
  }

  /**
   * Builds a namespace created by this very call, whose state is known: nothing is read back. The
   * sysctls that new interfaces inherit are set first, the veth pair is created with its host end
   * up, and the rest goes to the kernel in one datagram. A failure undoes everything (the caller
   * deletes the namespace, {@link #configure} the host end).
   */
  private void build(NamespaceSpec spec, RouteNetlink inside, List<Change> changes) {
    configureNamespaceSysctls(spec, changes);
    Link hostLink = host.createVeth(veth(spec, true));
    changes.add(vethCreated(spec));
    int index;
    if (hostLink.peerIndex().isPresent()) {
      index = hostLink.peerIndex().getAsInt();
    } else {
      index =
          inside
              .link(spec.interfaceName())
              .orElseThrow(() -> new IllegalStateException(spec.interfaceName() + " vanished"))
              .index();
    }
    RouteNetlink.Batch batch = inside.batch();
    // Loopback is the first device of every namespace: index 1, down.
    batch.setUp(LOOPBACK_INDEX, true);
    changes.add(new Change(ChangeKind.LOOPBACK_UP, "lo"));
    batch.setUp(index, true);
    changes.add(new Change(ChangeKind.LINK_UP, spec.interfaceName()));
    for (InterfaceAddress address : spec.addresses()) {
      batch.addAddress(index, address);
      changes.add(new Change(ChangeKind.ADDRESS_ADDED, address.toString()));
    }
    for (StaticNeighbour neighbour : spec.neighbours()) {
      batch.putPermanentNeighbour(index, neighbour.address(), neighbour.mac());
      changes.add(neighbourSet(neighbour));
    }
    for (InterfaceAddress address : spec.loopbackAddresses()) {
      batch.addAddress(LOOPBACK_INDEX, address);
      changes.add(new Change(ChangeKind.ADDRESS_ADDED, address + " dev lo"));
    }
    batch.addRoute(RouteEntry.defaultVia(spec.defaultGateway(), index));
    changes.add(routeAdded(spec));
    spec.ipv6Gateway()
        .ifPresent(
            gateway -> {
              batch.addRoute(RouteEntry.defaultVia(gateway, index));
              changes.add(ipv6RouteAdded(spec, gateway));
            });
    for (IpSubnet destination : spec.blackholeRoutes()) {
      batch.addRoute(RouteEntry.blackhole(destination));
      changes.add(new Change(ChangeKind.ROUTE_ADDED, "blackhole " + destination));
    }
    batch.execute();
  }

  private VethPair veth(NamespaceSpec spec, boolean up) {
    VethPair pair =
        VethPair.withPeerIn(spec.hostInterfaceName(), spec.interfaceName(), namespacePath(spec))
            .withPeerMac(spec.interfaceMac());
    return up ? pair.withUp() : pair;
  }

  private static Change vethCreated(NamespaceSpec spec) {
    return new Change(
        ChangeKind.VETH_CREATED, spec.hostInterfaceName() + "/" + spec.interfaceName());
  }

  private static Change neighbourSet(StaticNeighbour neighbour) {
    return new Change(ChangeKind.NEIGHBOUR_SET, neighbour.address() + " lladdr " + neighbour.mac());
  }

  private static Change ipv6RouteAdded(NamespaceSpec spec, Ipv6Address gateway) {
    return new Change(
        ChangeKind.ROUTE_ADDED, "default via " + gateway + " dev " + spec.interfaceName());
  }

  private static Change routeAdded(NamespaceSpec spec) {
    return new Change(
        ChangeKind.ROUTE_ADDED,
        "default via " + spec.defaultGateway() + " dev " + spec.interfaceName());
  }

  private Path namespacePath(NamespaceSpec spec) {
    return namespaces.path(spec.name());
  }

  private Link checkPair(NamespaceSpec spec, Link link) {
    if (!link.isVeth()) {
      throw new InterfaceConflictException(
          "interface "
              + spec.interfaceName()
              + " in namespace "
              + spec.name()
              + " is a "
              + link.kind().orElse("device")
              + ", not a veth");
    }
    Link hostLink =
        host.link(spec.hostInterfaceName())
            .orElseThrow(
                () ->
                    new InterfaceConflictException(
                        "veth "
                            + spec.interfaceName()
                            + " in namespace "
                            + spec.name()
                            + " has no host end named "
                            + spec.hostInterfaceName()));
    boolean paired =
        hostLink.peerIndex().equals(OptionalInt.of(link.index()))
            && link.peerIndex().equals(OptionalInt.of(hostLink.index()));
    if (!paired) {
      throw new InterfaceConflictException(
          "host interface "
              + spec.hostInterfaceName()
              + " is not the peer of "
              + spec.interfaceName()
              + " in namespace "
              + spec.name());
    }
    return hostLink;
  }

  private void configureLinks(
      NamespaceSpec spec, RouteNetlink inside, Link link, Link hostLink, List<Change> changes) {
    if (!hostLink.isUp()) {
      host.setUp(hostLink.index(), true);
      changes.add(new Change(ChangeKind.HOST_LINK_UP, spec.hostInterfaceName()));
    }
    if (!link.mac().equals(Optional.of(spec.interfaceMac()))) {
      inside.setMac(link.index(), spec.interfaceMac());
      changes.add(new Change(ChangeKind.MAC_SET, spec.interfaceName() + " " + spec.interfaceMac()));
    }
    if (!link.isUp()) {
      inside.setUp(link.index(), true);
      changes.add(new Change(ChangeKind.LINK_UP, spec.interfaceName()));
    }
    Optional<Link> loopback = inside.link("lo");
    if (loopback.isPresent() && !loopback.get().isUp()) {
      inside.setUp(loopback.get().index(), true);
      changes.add(new Change(ChangeKind.LOOPBACK_UP, "lo"));
    }
  }

  private static void configureAddresses(
      NamespaceSpec spec,
      RouteNetlink inside,
      int index,
      List<AddressEntry> addresses,
      List<Change> changes) {
    List<InterfaceAddress> present =
        addresses.stream()
            .filter(a -> !a.isLinkScope() || spec.addresses().contains(a.address()))
            .map(AddressEntry::address)
            .toList();
    for (InterfaceAddress address : present) {
      if (!spec.addresses().contains(address)) {
        inside.deleteAddress(index, address);
        changes.add(new Change(ChangeKind.ADDRESS_REMOVED, address.toString()));
      }
    }
    for (InterfaceAddress address : spec.addresses()) {
      if (!present.contains(address)) {
        inside.addAddress(index, address);
        changes.add(new Change(ChangeKind.ADDRESS_ADDED, address.toString()));
      }
    }
  }

  /**
   * Makes the loopback carry exactly the spec's loopback addresses, besides its own 127.0.0.1/8 and
   * ::1/128, which are left alone.
   */
  private static void configureLoopbackAddresses(
      NamespaceSpec spec, RouteNetlink inside, List<Change> changes) {
    List<InterfaceAddress> present =
        inside.addresses(LOOPBACK_INDEX).stream()
            .map(AddressEntry::address)
            .filter(a -> !isLoopbackRange(a))
            .toList();
    for (InterfaceAddress address : present) {
      if (!spec.loopbackAddresses().contains(address)) {
        inside.deleteAddress(LOOPBACK_INDEX, address);
        changes.add(new Change(ChangeKind.ADDRESS_REMOVED, address + " dev lo"));
      }
    }
    for (InterfaceAddress address : spec.loopbackAddresses()) {
      if (!present.contains(address)) {
        inside.addAddress(LOOPBACK_INDEX, address);
        changes.add(new Change(ChangeKind.ADDRESS_ADDED, address + " dev lo"));
      }
    }
  }

  private static boolean isLoopbackRange(InterfaceAddress address) {
    return address.address() instanceof Ipv4Address v4
        ? (v4.bits() >>> 24) == 127
        : address.address().equals(IPV6_LOOPBACK);
  }

  private static void configureNeighbours(
      NamespaceSpec spec,
      RouteNetlink inside,
      int index,
      List<NeighbourEntry> present,
      List<Change> changes) {
    for (StaticNeighbour wanted : spec.neighbours()) {
      boolean right =
          present.stream()
              .anyMatch(
                  n ->
                      n.address().equals(wanted.address())
                          && n.isPermanent()
                          && n.mac().equals(Optional.of(wanted.mac())));
      if (!right) {
        inside.putPermanentNeighbour(index, wanted.address(), wanted.mac());
        changes.add(neighbourSet(wanted));
      }
    }
    for (NeighbourEntry n : present) {
      boolean wanted = spec.neighbours().stream().anyMatch(s -> s.address().equals(n.address()));
      if (n.isPermanent() && !wanted) {
        inside.deleteNeighbour(index, n.address());
        changes.add(new Change(ChangeKind.NEIGHBOUR_REMOVED, n.address().toString()));
      }
    }
  }

  private static void configureRoutes(
      NamespaceSpec spec,
      RouteNetlink inside,
      int index,
      List<RouteEntry> routes,
      List<Change> changes) {
    configureBlackholes(spec, inside, routes, changes);
    configureDefault(
        inside,
        IpFamily.IPV4,
        Optional.of(RouteEntry.defaultVia(spec.defaultGateway(), index)),
        routes,
        changes,
        routeAdded(spec));
    configureDefault(
        inside,
        IpFamily.IPV6,
        spec.ipv6Gateway().map(gateway -> RouteEntry.defaultVia(gateway, index)),
        routes,
        changes,
        spec.ipv6Gateway().map(gateway -> ipv6RouteAdded(spec, gateway)).orElse(null));
  }

  /**
   * Makes the {@code family} default route of the main table {@code wanted}: other default routes
   * of that family are deleted, and so is every one when none is wanted.
   */
  private static void configureDefault(
      RouteNetlink inside,
      IpFamily family,
      Optional<RouteEntry> wanted,
      List<RouteEntry> routes,
      List<Change> changes,
      Change added) {
    boolean present = false;
    for (RouteEntry route : routes) {
      if (!route.isDefault() || route.destination().family() != family) {
        continue;
      }
      if (wanted.isPresent()
          && route.gateway().equals(wanted.get().gateway())
          && route.outputInterface().equals(wanted.get().outputInterface())) {
        present = true;
      } else {
        inside.deleteRoute(route);
        changes.add(new Change(ChangeKind.ROUTE_REMOVED, describe(route)));
      }
    }
    if (wanted.isPresent() && !present) {
      inside.addRoute(wanted.get());
      changes.add(added);
    }
  }

  /** Makes the main table's blackhole routes exactly the spec's. */
  private static void configureBlackholes(
      NamespaceSpec spec, RouteNetlink inside, List<RouteEntry> routes, List<Change> changes) {
    Set<IpSubnet> present = new HashSet<>();
    for (RouteEntry route : routes) {
      if (!route.isBlackhole()) {
        continue;
      }
      if (spec.blackholeRoutes().contains(route.destination())) {
        present.add(route.destination());
      } else {
        inside.deleteRoute(route);
        changes.add(new Change(ChangeKind.ROUTE_REMOVED, "blackhole " + route.destination()));
      }
    }
    for (IpSubnet destination : spec.blackholeRoutes()) {
      if (!present.contains(destination)) {
        inside.addRoute(RouteEntry.blackhole(destination));
        changes.add(new Change(ChangeKind.ROUTE_ADDED, "blackhole " + destination));
      }
    }
  }

  private static String describe(RouteEntry route) {
    return "default"
        + route.gateway().map(g -> " via " + g).orElse("")
        + (route.outputInterface().isPresent()
            ? " dev index " + route.outputInterface().getAsInt()
            : "");
  }

  /** ip_forward=1 and rp_filter=0 for all and default (new interfaces inherit default). */
  private static void configureNamespaceSysctls(NamespaceSpec spec, List<Change> changes) {
    if (NetSysctls.ensure(NetSysctls.ipForward(), "1")) {
      changes.add(new Change(ChangeKind.SYSCTL_SET, "net.ipv4.ip_forward=1"));
    }
    if (spec.ipv6Gateway().isPresent() && NetSysctls.ensure(NetSysctls.ipv6Forwarding(), "1")) {
      changes.add(new Change(ChangeKind.SYSCTL_SET, "net.ipv6.conf.all.forwarding=1"));
    }
    for (String scope : List.of("all", "default")) {
      rpFilterOff(scope, changes);
    }
  }

  private static void rpFilterOff(String scope, List<Change> changes) {
    if (NetSysctls.ensure(NetSysctls.rpFilter(scope), "0")) {
      changes.add(new Change(ChangeKind.SYSCTL_SET, "net.ipv4.conf." + scope + ".rp_filter=0"));
    }
  }

  private void rollbackVeth(NamespaceSpec spec, Throwable cause) {
    try {
      host.link(spec.hostInterfaceName()).ifPresent(l -> host.deleteLink(l.index()));
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  @Override
  public NamespaceState inspect(String name) {
    requireOpen();
    NamespaceSpec.requireNamespaceName(name);
    return namespaces.run(
        name,
        () -> {
          try (RouteNetlink inside = RouteNetlink.open()) {
            List<Link> links = inside.links();
            List<RouteEntry> routes =
                new ArrayList<>(inside.routes(IpFamily.IPV4, Rtnl.RT_TABLE_MAIN));
            routes.addAll(inside.routes(IpFamily.IPV6, Rtnl.RT_TABLE_MAIN));
            List<NeighbourEntry> neighbours = new ArrayList<>();
            for (Link link : links) {
              if (!link.name().equals("lo")) {
                neighbours.addAll(inside.neighbours(link.index()));
              }
            }
            Map<String, String> sysctls = new HashMap<>();
            sysctls.put("net.ipv4.ip_forward", NetSysctls.read(NetSysctls.ipForward()));
            for (String scope : List.of("all", "default")) {
              sysctls.put(
                  "net.ipv4.conf." + scope + ".rp_filter",
                  NetSysctls.read(NetSysctls.rpFilter(scope)));
            }
            return new NamespaceState(name, links, inside.addresses(), routes, neighbours, sysctls);
          }
        });
  }

  /**
   * Unmounts the namespace; the kernel then destroys it together with its veth pairs, host ends
   * included, asynchronously (batched with other dying namespaces: far cheaper than deleting each
   * veth synchronously, which waits for RCU grace periods). The host end is remembered as being
   * torn down, so an ensure of the same spec meanwhile waits for it instead of seeing a conflict.
   */
  @Override
  public boolean remove(String name) {
    requireOpen();
    NamespaceSpec.requireNamespaceName(name);
    synchronized (lockFor(name)) {
      String known = hostEnds.remove(name);
      if (namespaces.exists(name)) {
        long now = System.nanoTime();
        tearingDown.values().removeIf(at -> now - at > TEARDOWN_WAIT_NANOS);
        for (String end : known != null ? List.of(known) : findHostEnds(name)) {
          tearingDown.put(end, now);
        }
      }
      boolean removed = namespaces.delete(name);
      if (removed) {
        log.info("namespace {}: removed", name);
      }
      return removed;
    }
  }

  /** Names of the host ends of the namespace's veth pairs (for a namespace ensured elsewhere). */
  private List<String> findHostEnds(String name) {
    List<Link> inner =
        namespaces.run(
            name,
            () -> {
              try (RouteNetlink inside = RouteNetlink.open()) {
                return inside.links().stream().filter(Link::isVeth).toList();
              }
            });
    List<String> out = new ArrayList<>();
    for (Link link : inner) {
      if (link.peerIndex().isPresent()) {
        host.link(link.peerIndex().getAsInt())
            .filter(h -> h.isVeth() && h.peerIndex().equals(OptionalInt.of(link.index())))
            .ifPresent(h -> out.add(h.name()));
      }
    }
    return out;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      host.close();
    }
  }
}
