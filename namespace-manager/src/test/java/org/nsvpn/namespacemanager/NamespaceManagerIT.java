package org.nsvpn.namespacemanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.nsvpn.namespacemanager.ChangeKind.ADDRESS_ADDED;
import static org.nsvpn.namespacemanager.ChangeKind.ADDRESS_REMOVED;
import static org.nsvpn.namespacemanager.ChangeKind.LINK_UP;
import static org.nsvpn.namespacemanager.ChangeKind.MAC_SET;
import static org.nsvpn.namespacemanager.ChangeKind.NEIGHBOUR_SET;
import static org.nsvpn.namespacemanager.ChangeKind.ROUTE_ADDED;
import static org.nsvpn.namespacemanager.ChangeKind.ROUTE_REMOVED;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.Ipv6Address;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.vpn.NamespaceSpec;
import org.nsvpn.chainrules.vpn.StaticNeighbour;
import org.nsvpn.namespacemanager.netlink.NetlinkException;
import org.nsvpn.namespacemanager.netns.NamespaceExistsException;
import org.nsvpn.namespacemanager.netns.NetworkNamespaces;
import org.nsvpn.namespacemanager.netns.NoSuchNamespaceException;
import org.nsvpn.namespacemanager.rtnl.Link;
import org.nsvpn.namespacemanager.rtnl.RouteEntry;
import org.nsvpn.namespacemanager.testing.Ip;
import org.nsvpn.namespacemanager.testing.KernelResources;
import org.nsvpn.namespacemanager.testing.Specs;

/** The manager against the kernel; {@code ip -j} is the oracle. */
class NamespaceManagerIT {
  @RegisterExtension final KernelResources kernel = new KernelResources();

  private final NamespaceManager manager = NamespaceManager.create();

  @AfterEach
  void close() {
    manager.close();
  }

  private NamespaceSpec seed() {
    return Specs.uniqueSeed002(kernel, "nm");
  }

  @Test
  void realisesTheSeed002NamespaceExactly() {
    NamespaceSpec spec = seed();

    EnsureResult result = manager.ensure(spec);

    assertThat(result.changes())
        .filteredOn(c -> c.kind() != ChangeKind.SYSCTL_SET)
        .as("sysctls change only where the host's defaults differ")
        .containsExactly(
            new Change(ChangeKind.NAMESPACE_CREATED, spec.name()),
            new Change(
                ChangeKind.VETH_CREATED, spec.hostInterfaceName() + "/" + spec.interfaceName()),
            new Change(ChangeKind.LOOPBACK_UP, "lo"),
            new Change(LINK_UP, spec.interfaceName()),
            new Change(ChangeKind.ADDRESS_ADDED, "169.254.1.2/30"),
            new Change(ChangeKind.ADDRESS_ADDED, "201.201.201.1/32"),
            new Change(NEIGHBOUR_SET, "169.254.1.1 lladdr ac:ca:ba:43:05:45"),
            new Change(ROUTE_ADDED, "default via 169.254.1.1 dev " + spec.interfaceName()));
    assertMatchesSeedPerOracle(spec);
    assertThat(manager.ensure(spec).changes()).as("second ensure").isEmpty();
    assertThat(
            Ip.exec("ip", "netns", "exec", spec.name(), "ethtool", "-k", spec.interfaceName())
                .stdout())
        .as("ethtool: the kernel's default offloads kept (the datapath handles them)")
        .contains("tx-checksumming: on")
        .contains("tx-tcp-segmentation: on")
        .contains("generic-segmentation-offload: on");
  }

  @Test
  void hostSideVethAndNamespacePing() {
    NamespaceSpec spec = seed();
    manager.ensure(spec);
    // The host end plays the router's namespace port: its MAC and 169.254.1.1/30.
    Ip.ip("link", "set", "dev", spec.hostInterfaceName(), "address", Specs.PORT_MAC.toString());
    Ip.ip("addr", "add", "169.254.1.1/30", "dev", spec.hostInterfaceName());

    Ip.Result fromHost =
        Ip.exec("ping", "-n", "-c", "1", "-W", "2", "-I", spec.hostInterfaceName(), "169.254.1.2");
    Ip.Result fromNamespace =
        Ip.exec(
            "ip", "netns", "exec", spec.name(), "ping", "-n", "-c", "1", "-W", "2", "169.254.1.1");

    assertThat(fromHost.ok()).as(fromHost.stdout() + fromHost.stderr()).isTrue();
    assertThat(fromNamespace.ok()).as(fromNamespace.stdout() + fromNamespace.stderr()).isTrue();
  }

  /** Per the oracle: is the gateway's neighbour entry still there and permanent? */
  private static boolean permanentNeighbourPresent(NamespaceSpec spec) {
    for (JsonNode n : Ip.jsonIn(spec.name(), "-4", "neigh", "show", "dev", spec.interfaceName())) {
      if (n.get("dst").asText().equals("169.254.1.1")
          && n.get("state").toString().contains("PERMANENT")) {
        return true;
      }
    }
    return false;
  }

  private static void assertMatchesSeedPerOracle(NamespaceSpec spec) {
    String ns = spec.name();
    String dev = spec.interfaceName();
    JsonNode link = Ip.jsonIn(ns, "link", "show", "dev", dev).get(0);
    assertThat(link.get("address").asText()).isEqualTo("ac:ca:ba:4a:61:c5");
    assertThat(link.get("flags").toString()).contains("\"UP\"", "\"LOWER_UP\"");

    List<String> v4 = new ArrayList<>();
    for (JsonNode info : Ip.jsonIn(ns, "-4", "addr", "show", "dev", dev).get(0).get("addr_info")) {
      v4.add(info.get("local").asText() + "/" + info.get("prefixlen").asInt());
    }
    assertThat(v4).containsExactlyInAnyOrder("169.254.1.2/30", "201.201.201.1/32");

    Set<String> routes = new HashSet<>();
    for (JsonNode route : Ip.jsonIn(ns, "-4", "route", "show")) {
      routes.add(
          route.get("dst").asText()
              + (route.has("gateway") ? " via " + route.get("gateway").asText() : "")
              + " dev "
              + route.get("dev").asText());
    }
    assertThat(routes)
        .containsExactlyInAnyOrder(
            "default via 169.254.1.1 dev " + dev, "169.254.1.0/30 dev " + dev);

    JsonNode neighbours = Ip.jsonIn(ns, "-4", "neigh", "show", "dev", dev);
    assertThat(neighbours).hasSize(1);
    assertThat(neighbours.get(0).get("dst").asText()).isEqualTo("169.254.1.1");
    assertThat(neighbours.get(0).get("lladdr").asText()).isEqualTo("ac:ca:ba:43:05:45");
    assertThat(neighbours.get(0).get("state").toString()).contains("PERMANENT");

    Ip.Result sysctl =
        Ip.exec(
            "ip",
            "netns",
            "exec",
            ns,
            "sysctl",
            "-n",
            "net.ipv4.ip_forward",
            "net.ipv4.conf.all.rp_filter",
            "net.ipv4.conf." + dev + ".rp_filter");
    assertThat(sysctl.stdout().trim().split("\\s+")).containsExactly("1", "0", "0");
    assertThat(Ip.hostLinkExists(spec.hostInterfaceName())).isTrue();
  }

  @Test
  void repairsAChangedMac() {
    NamespaceSpec spec = seed();
    manager.ensure(spec);
    Ip.ip(
        "-n",
        spec.name(),
        "link",
        "set",
        "dev",
        spec.interfaceName(),
        "address",
        "02:00:5e:00:53:01");
    // A new MAC makes the kernel flush the interface's neighbours, permanent ones included.
    boolean neighbourGone = !permanentNeighbourPresent(spec);

    List<Change> expected = new ArrayList<>();
    expected.add(new Change(MAC_SET, spec.interfaceName() + " ac:ca:ba:4a:61:c5"));
    if (neighbourGone) {
      expected.add(new Change(NEIGHBOUR_SET, "169.254.1.1 lladdr ac:ca:ba:43:05:45"));
    }
    assertThat(manager.ensure(spec).changes()).containsExactlyElementsOf(expected);
    assertMatchesSeedPerOracle(spec);
    assertThat(manager.ensure(spec).changes()).isEmpty();
  }

  @Test
  void repairsADeletedRoute() {
    NamespaceSpec spec = seed();
    manager.ensure(spec);
    Ip.ip("-n", spec.name(), "route", "del", "default");

    assertThat(manager.ensure(spec).changes())
        .containsExactly(
            new Change(ROUTE_ADDED, "default via 169.254.1.1 dev " + spec.interfaceName()));
    assertMatchesSeedPerOracle(spec);
    assertThat(manager.ensure(spec).changes()).isEmpty();
  }

  @Test
  void loopbackAddressesForTheLocalTrafficSelectorAreAddedAndRepaired() {
    NamespaceSpec base = seed();
    NamespaceSpec spec =
        new NamespaceSpec(
            base.name(),
            base.interfaceName(),
            base.hostInterfaceName(),
            base.interfaceMac(),
            base.addresses(),
            base.defaultGateway(),
            base.neighbours(),
            List.of(
                InterfaceAddress.parse("192.168.10.1/32"),
                InterfaceAddress.parse("192.168.11.0/32")),
            List.of());
    assertThat(manager.ensure(spec).changes())
        .contains(
            new Change(ADDRESS_ADDED, "192.168.10.1/32 dev lo"),
            new Change(ADDRESS_ADDED, "192.168.11.0/32 dev lo"));
    assertThat(loopbackAddresses(spec))
        .containsExactlyInAnyOrder("127.0.0.1/8", "192.168.10.1/32", "192.168.11.0/32");

    Ip.ip("-n", spec.name(), "addr", "del", "192.168.11.0/32", "dev", "lo");
    Ip.ip("-n", spec.name(), "addr", "add", "192.168.99.9/32", "dev", "lo");
    assertThat(manager.ensure(spec).changes())
        .containsExactlyInAnyOrder(
            new Change(ADDRESS_REMOVED, "192.168.99.9/32 dev lo"),
            new Change(ADDRESS_ADDED, "192.168.11.0/32 dev lo"));
    assertThat(loopbackAddresses(spec))
        .containsExactlyInAnyOrder("127.0.0.1/8", "192.168.10.1/32", "192.168.11.0/32");
    assertThat(manager.ensure(spec).changes()).isEmpty();
    assertMatchesSeedPerOracle(spec);
  }

  @Test
  void blackholeRoutesForPeerSubnetsAreAddedRepairedAndRemoved() {
    NamespaceSpec spec = withBlackholes(seed(), "192.168.20.0/24", "192.168.21.0/24");
    assertThat(manager.ensure(spec).changes())
        .contains(
            new Change(ROUTE_ADDED, "blackhole 192.168.20.0/24"),
            new Change(ROUTE_ADDED, "blackhole 192.168.21.0/24"));
    assertThat(blackholes(spec)).containsExactlyInAnyOrder("192.168.20.0/24", "192.168.21.0/24");
    Ip.Result probe = Ip.exec("ip", "-n", spec.name(), "route", "get", "192.168.20.7");
    assertThat(probe.ok()).as("the kernel refuses to route into a blackhole").isFalse();

    Ip.ip("-n", spec.name(), "route", "del", "blackhole", "192.168.21.0/24");
    Ip.ip("-n", spec.name(), "route", "add", "blackhole", "192.168.99.0/24");
    assertThat(manager.ensure(spec).changes())
        .containsExactlyInAnyOrder(
            new Change(ROUTE_REMOVED, "blackhole 192.168.99.0/24"),
            new Change(ROUTE_ADDED, "blackhole 192.168.21.0/24"));
    assertThat(manager.ensure(spec).changes()).isEmpty();

    NamespaceSpec fewer = withBlackholes(spec, "192.168.20.0/24");
    assertThat(manager.ensure(fewer).changes())
        .containsExactly(new Change(ROUTE_REMOVED, "blackhole 192.168.21.0/24"));
    assertThat(blackholes(fewer)).containsExactly("192.168.20.0/24");
  }

  /**
   * {@code base} with an IPv6 link-local pair (fe80::2/64 here, fe80::1 the router's) or without.
   */
  private static NamespaceSpec withIpv6Link(NamespaceSpec base, boolean v6) {
    List<InterfaceAddress> addresses = new ArrayList<>(base.addresses());
    List<StaticNeighbour> neighbours = new ArrayList<>(base.neighbours());
    Ipv6Address routerSide = Ipv6Address.parse("fe80::1");
    addresses.remove(InterfaceAddress.parse("fe80::2/64"));
    neighbours.removeIf(n -> n.address().equals(routerSide));
    if (v6) {
      addresses.add(InterfaceAddress.parse("fe80::2/64"));
      neighbours.add(new StaticNeighbour(routerSide, Specs.PORT_MAC));
    }
    return new NamespaceSpec(
        base.name(),
        base.interfaceName(),
        base.hostInterfaceName(),
        base.interfaceMac(),
        addresses,
        base.defaultGateway(),
        neighbours,
        base.loopbackAddresses(),
        base.blackholeRoutes(),
        v6 ? Optional.of(routerSide) : Optional.empty());
  }

  private static List<String> ipv6Defaults(NamespaceSpec spec) {
    List<String> out = new ArrayList<>();
    for (JsonNode route : Ip.jsonIn(spec.name(), "-6", "route", "show", "default")) {
      out.add(route.get("gateway").asText() + " dev " + route.get("dev").asText());
    }
    return out;
  }

  private static String sysctlIn(NamespaceSpec spec, String key) {
    return Ip.exec("ip", "netns", "exec", spec.name(), "sysctl", "-n", key).stdout().strip();
  }

  @Test
  void anIpv6LinkLocalPairGetsItsAddressNeighbourDefaultRouteAndForwarding() {
    NamespaceSpec spec = withIpv6Link(seed(), true);
    assertThat(manager.ensure(spec).changes())
        .contains(
            new Change(ADDRESS_ADDED, "fe80::2/64"),
            new Change(NEIGHBOUR_SET, "fe80::1 lladdr ac:ca:ba:43:05:45"),
            new Change(ROUTE_ADDED, "default via fe80::1 dev " + spec.interfaceName()));
    assertThat(ipv6Defaults(spec)).containsExactly("fe80::1 dev " + spec.interfaceName());
    assertThat(sysctlIn(spec, "net.ipv6.conf.all.forwarding")).isEqualTo("1");
    assertThat(Ip.jsonIn(spec.name(), "-6", "neigh", "show", "dev", spec.interfaceName()))
        .anySatisfy(
            n -> {
              assertThat(n.get("dst").asText()).isEqualTo("fe80::1");
              assertThat(n.get("lladdr").asText()).isEqualTo("ac:ca:ba:43:05:45");
              assertThat(n.get("state").toString()).contains("PERMANENT");
            });
    Ip.Result probe = Ip.exec("ip", "-n", spec.name(), "-6", "route", "get", "2001:db8:2::7");
    assertThat(probe.stdout()).as("IPv6 leaves via the router's side").contains("via fe80::1");
    assertThat(manager.ensure(spec).changes()).as("idempotent").isEmpty();

    Ip.ip("-n", spec.name(), "-6", "route", "del", "default");
    assertThat(manager.ensure(spec).changes())
        .containsExactly(
            new Change(ROUTE_ADDED, "default via fe80::1 dev " + spec.interfaceName()));

    NamespaceSpec v4Only = withIpv6Link(spec, false);
    // Link-scope addresses the spec does not list are left alone (the kernel makes its own).
    assertThat(manager.ensure(v4Only).changes())
        .contains(new Change(ChangeKind.NEIGHBOUR_REMOVED, "fe80::1"))
        .anySatisfy(
            c -> {
              assertThat(c.kind()).isEqualTo(ROUTE_REMOVED);
              assertThat(c.subject()).startsWith("default via fe80::1 dev");
            });
    assertThat(ipv6Defaults(v4Only)).isEmpty();
    assertThat(manager.ensure(v4Only).changes()).isEmpty();
  }

  private static NamespaceSpec withBlackholes(NamespaceSpec base, String... destinations) {
    return new NamespaceSpec(
        base.name(),
        base.interfaceName(),
        base.hostInterfaceName(),
        base.interfaceMac(),
        base.addresses(),
        base.defaultGateway(),
        base.neighbours(),
        base.loopbackAddresses(),
        java.util.Arrays.stream(destinations)
            .map(org.nsvpn.chainrules.net.IpSubnet::parse)
            .toList());
  }

  private static List<String> blackholes(NamespaceSpec spec) {
    List<String> out = new ArrayList<>();
    for (JsonNode route : Ip.jsonIn(spec.name(), "route", "show", "type", "blackhole")) {
      out.add(route.get("dst").asText());
    }
    return out;
  }

  private static List<String> loopbackAddresses(NamespaceSpec spec) {
    List<String> out = new ArrayList<>();
    for (JsonNode info :
        Ip.jsonIn(spec.name(), "addr", "show", "dev", "lo").get(0).get("addr_info")) {
      if (info.get("family").asText().equals("inet")) {
        out.add(info.get("local").asText() + "/" + info.get("prefixlen").asInt());
      }
    }
    return out;
  }

  @Test
  void repairsADeletedArpEntry() {
    NamespaceSpec spec = seed();
    manager.ensure(spec);
    Ip.ip("-n", spec.name(), "neigh", "del", "169.254.1.1", "dev", spec.interfaceName());

    assertThat(manager.ensure(spec).changes())
        .containsExactly(new Change(NEIGHBOUR_SET, "169.254.1.1 lladdr ac:ca:ba:43:05:45"));
    assertMatchesSeedPerOracle(spec);
    assertThat(manager.ensure(spec).changes()).isEmpty();
  }

  @Test
  void repairsALinkSetDown() {
    NamespaceSpec spec = seed();
    manager.ensure(spec);
    Ip.ip("-n", spec.name(), "link", "set", "dev", spec.interfaceName(), "down");
    // Taking a link down makes the kernel drop what depends on it; ask the oracle what is gone.
    boolean routeGone = Ip.jsonIn(spec.name(), "-4", "route", "show", "default").isEmpty();
    boolean neighbourGone = !permanentNeighbourPresent(spec);

    List<ChangeKind> expected = new ArrayList<>(List.of(LINK_UP));
    if (neighbourGone) {
      expected.add(NEIGHBOUR_SET);
    }
    if (routeGone) {
      expected.add(ROUTE_ADDED);
    }
    assertThat(manager.ensure(spec).changes())
        .extracting(Change::kind)
        .containsExactlyElementsOf(expected);
    assertMatchesSeedPerOracle(spec);
    assertThat(manager.ensure(spec).changes()).isEmpty();
  }

  @Test
  void removesForeignAddressesAndDefaultRoutes() {
    NamespaceSpec spec = seed();
    manager.ensure(spec);
    int index = manager.inspect(spec.name()).link(spec.interfaceName()).orElseThrow().index();
    Ip.ip("-n", spec.name(), "addr", "add", "198.51.100.7/32", "dev", spec.interfaceName());
    Ip.ip(
        "-n",
        spec.name(),
        "route",
        "replace",
        "default",
        "via",
        "192.0.2.99",
        "dev",
        spec.interfaceName(),
        "onlink");

    assertThat(manager.ensure(spec).changes())
        .containsExactly(
            new Change(ChangeKind.ADDRESS_REMOVED, "198.51.100.7/32"),
            new Change(ChangeKind.ROUTE_REMOVED, "default via 192.0.2.99 dev index " + index),
            new Change(ROUTE_ADDED, "default via 169.254.1.1 dev " + spec.interfaceName()));
    assertMatchesSeedPerOracle(spec);
    assertThat(manager.ensure(spec).changes()).isEmpty();
  }

  @Test
  void inspectReportsTheActualState() {
    NamespaceSpec spec = seed();
    manager.ensure(spec);

    NamespaceState state = manager.inspect(spec.name());

    Link link = state.link(spec.interfaceName()).orElseThrow();
    assertThat(link.mac()).contains(spec.interfaceMac());
    assertThat(link.isUp()).isTrue();
    assertThat(state.addresses())
        .filteredOn(a -> a.index() == link.index() && !a.isLinkScope())
        .extracting(a -> a.address())
        .containsExactlyInAnyOrderElementsOf(spec.addresses());
    assertThat(state.routes())
        .filteredOn(RouteEntry::isDefault)
        .singleElement()
        .satisfies(r -> assertThat(r.gateway()).contains(spec.defaultGateway()));
    assertThat(state.neighbours())
        .filteredOn(n -> n.isPermanent())
        .singleElement()
        .satisfies(n -> assertThat(n.mac()).contains(Specs.PORT_MAC));
    assertThat(state.sysctls()).containsEntry("net.ipv4.ip_forward", "1");
  }

  @Test
  void removeDeletesNamespaceAndHostVethIdempotently() {
    NamespaceSpec spec = seed();
    manager.ensure(spec);

    assertThat(manager.remove(spec.name())).isTrue();

    assertThat(Ip.namespaces()).doesNotContain(spec.name());
    assertThat(manager.remove(spec.name())).isFalse();
    assertThatThrownBy(() -> manager.inspect(spec.name()))
        .isInstanceOf(NoSuchNamespaceException.class);
    // The kernel destroys the pair with the namespace, asynchronously.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !Ip.hostLinkExists(spec.hostInterfaceName()));
  }

  @Test
  void ensureRightAfterRemoveWaitsForTheOldPair() {
    NamespaceSpec spec = seed();
    manager.ensure(spec);
    manager.remove(spec.name());

    EnsureResult again = manager.ensure(spec);

    assertThat(again.kinds()).contains(ChangeKind.NAMESPACE_CREATED, ChangeKind.VETH_CREATED);
    assertMatchesSeedPerOracle(spec);
  }

  @Test
  void removeFindsTheHostEndOfANamespaceEnsuredByAnotherManager() {
    NamespaceSpec spec = seed();
    manager.ensure(spec);
    try (NamespaceManager other = NamespaceManager.create()) {
      assertThat(other.remove(spec.name())).isTrue();
      assertThat(other.ensure(spec).kinds()).contains(ChangeKind.VETH_CREATED);
    }
    assertMatchesSeedPerOracle(spec);
  }

  @Test
  void recreatesAfterTheNamespaceWasDeletedBehindItsBack() {
    NamespaceSpec spec = seed();
    manager.ensure(spec);
    Ip.ip("link", "del", "dev", spec.hostInterfaceName());
    Ip.ip("netns", "del", spec.name());

    EnsureResult again = manager.ensure(spec);

    assertThat(again.kinds()).contains(ChangeKind.NAMESPACE_CREATED, ChangeKind.VETH_CREATED);
    assertMatchesSeedPerOracle(spec);
  }

  // ---- bad input: typed errors, nothing half-created

  private static void assertNothingOf(NamespaceSpec spec) {
    assertThat(Ip.namespaces()).doesNotContain(spec.name());
    assertThat(Ip.hostLinkExists(spec.hostInterfaceName())).isFalse();
  }

  @Test
  void badNamesAreRefused() {
    assertThatThrownBy(() -> Specs.seed002("n".repeat(64), "a0ns", "a0dp"))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageStartingWith("namespace name:");
    assertThatThrownBy(() -> Specs.seed002("ok", "interface-name-16", "a0dp"))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageStartingWith("interface name:");
    assertThatThrownBy(() -> Specs.seed002("ok", "a0ns", "bad name"))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageStartingWith("host interface name:");
    assertThatThrownBy(() -> manager.inspect("../../etc"))
        .isInstanceOf(InvalidValueException.class);
    assertThatThrownBy(() -> manager.remove("a;b")).isInstanceOf(InvalidValueException.class);
  }

  @Test
  void aNamespaceThatDoesNotExist() {
    String name = KernelResources.unique("nm-absent-");
    assertThatThrownBy(() -> manager.inspect(name))
        .isInstanceOf(NoSuchNamespaceException.class)
        .hasMessageContaining(name);
    assertThat(manager.remove(name)).isFalse();
  }

  @Test
  void aDuplicateCreate() {
    NamespaceSpec spec = seed();
    manager.ensure(spec);
    assertThatThrownBy(() -> NetworkNamespaces.system().create(spec.name()))
        .isInstanceOf(NamespaceExistsException.class);

    NamespaceSpec other = seed();
    NamespaceSpec stealing =
        Specs.seed002(other.name(), other.interfaceName(), spec.hostInterfaceName());
    assertThatThrownBy(() -> manager.ensure(stealing))
        .isInstanceOf(InterfaceConflictException.class)
        .hasMessageContaining(spec.hostInterfaceName());
    assertThat(Ip.namespaces()).doesNotContain(other.name());
    assertThat(manager.ensure(spec).changes()).as("the first is untouched").isEmpty();
  }

  @Test
  void anAddressOfTheWrongFamily() {
    NamespaceSpec base = seed();
    NamespaceSpec spec =
        new NamespaceSpec(
            base.name(),
            base.interfaceName(),
            base.hostInterfaceName(),
            base.interfaceMac(),
            base.addresses(),
            base.defaultGateway(),
            List.of(new StaticNeighbour(IpAddress.parse("2001:db8::1"), Specs.PORT_MAC)));

    assertThatThrownBy(() -> manager.ensure(spec))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageStartingWith("neighbour address: invalid value '2001:db8::1'");
    assertNothingOf(spec);
  }

  @Test
  void aMulticastMac() {
    assertThatThrownBy(
            () ->
                new NamespaceSpec(
                    "nm-x",
                    "a0ns",
                    "a0dp",
                    MacAddress.parse("01:00:5e:00:00:01"),
                    List.of(InterfaceAddress.parse("169.254.1.2/30")),
                    Ipv4Address.parse("169.254.1.1"),
                    List.of()))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageStartingWith("interface mac:");
  }

  @Test
  void aKernelRefusalHalfWayRollsEverythingBack() {
    NamespaceSpec base = seed();
    NamespaceSpec spec =
        new NamespaceSpec(
            base.name(),
            base.interfaceName(),
            base.hostInterfaceName(),
            base.interfaceMac(),
            List.of(
                InterfaceAddress.parse("169.254.1.2/30"), InterfaceAddress.parse("ff02::1/128")),
            base.defaultGateway(),
            base.neighbours());

    assertThatThrownBy(() -> manager.ensure(spec))
        .isInstanceOf(NetlinkException.class)
        .hasMessageContaining("RTM_NEWADDR ff02::1/128");
    assertNothingOf(spec);
  }

  @Test
  void theLoopbackNameIsRefused() {
    NamespaceSpec base = seed();
    NamespaceSpec spec = Specs.seed002(base.name(), "lo", base.hostInterfaceName());

    assertThatThrownBy(() -> manager.ensure(spec))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageStartingWith("interface name: invalid value 'lo'");
    assertNothingOf(spec);
  }

  @Test
  void anInterfaceNameTakenInsideAnExistingNamespace() {
    NamespaceSpec spec = seed();
    Ip.ip("netns", "add", spec.name());
    // A veth of someone else's: its peer stays in the namespace, not on the host.
    Ip.ip(
        "-n",
        spec.name(),
        "link",
        "add",
        spec.interfaceName(),
        "type",
        "veth",
        "peer",
        "name",
        "other0");

    assertThatThrownBy(() -> manager.ensure(spec))
        .isInstanceOf(InterfaceConflictException.class)
        .hasMessageContaining(spec.interfaceName())
        .hasMessageContaining("has no host end named " + spec.hostInterfaceName());
    assertThat(Ip.namespaces()).as("not ours to delete").contains(spec.name());
    assertThat(Ip.hostLinkExists(spec.hostInterfaceName())).isFalse();
  }

  @Test
  void closedManagerRefusesWork() {
    NamespaceManager closed = NamespaceManager.create();
    closed.close();
    closed.close();
    assertThatThrownBy(() -> closed.ensure(seed())).isInstanceOf(IllegalStateException.class);
  }
}
