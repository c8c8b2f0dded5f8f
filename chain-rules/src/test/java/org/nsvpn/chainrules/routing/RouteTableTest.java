package org.nsvpn.chainrules.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouteId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.Ipv6Address;

class RouteTableTest {
  private static final RouterId ROUTER = new RouterId(new UUID(1, 1));
  private static final PortId PORT = new PortId(new UUID(2, 2));

  private static Route route(String src, String dst, int weight) {
    return new Route(
        RouteId.random(),
        ROUTER,
        IpSubnet.parse(src),
        IpSubnet.parse(dst),
        RouteType.BLACKHOLE,
        Optional.empty(),
        Optional.empty(),
        weight);
  }

  private static Route route(long id, String src, String dst, int weight) {
    return new Route(
        new RouteId(new UUID(0, id)),
        ROUTER,
        IpSubnet.parse(src),
        IpSubnet.parse(dst),
        RouteType.NORMAL,
        Optional.of(PORT),
        Optional.empty(),
        weight);
  }

  private static Optional<Route> lookup(RouteTable t, String src, String dst) {
    return t.lookup(IpAddress.parse(src), IpAddress.parse(dst));
  }

  @Test
  void longestDestinationPrefixWins() {
    Route wide = route("0.0.0.0/0", "10.0.0.0/8", 100);
    Route narrow = route("0.0.0.0/0", "10.1.0.0/16", 100);
    Route def = route("0.0.0.0/0", "0.0.0.0/0", 100);
    RouteTable t = RouteTable.of(List.of(wide, narrow, def));
    assertThat(lookup(t, "192.0.2.1", "10.1.2.3")).contains(narrow);
    assertThat(lookup(t, "192.0.2.1", "10.2.2.3")).contains(wide);
    assertThat(lookup(t, "192.0.2.1", "11.0.0.1")).contains(def);
  }

  @Test
  void thenLongestSourcePrefixThenLowestWeight() {
    Route anySrc = route("0.0.0.0/0", "192.168.20.0/24", 1);
    Route fromLocal = route("192.168.10.0/24", "192.168.20.0/24", 100);
    Route fromHost = route("192.168.10.5/32", "192.168.20.0/24", 100);
    Route fromLocalCheap = route("192.168.10.0/24", "192.168.20.0/24", 50);
    RouteTable t = RouteTable.of(List.of(anySrc, fromLocal, fromHost, fromLocalCheap));
    assertThat(lookup(t, "192.168.10.5", "192.168.20.1")).contains(fromHost);
    assertThat(lookup(t, "192.168.10.6", "192.168.20.1")).contains(fromLocalCheap);
    assertThat(lookup(t, "198.51.100.1", "192.168.20.1"))
        .as("weight 1 but only the any-source route matches")
        .contains(anySrc);
  }

  @Test
  void destinationLengthBeatsSourceLength() {
    Route specificSrc = route("192.168.10.0/24", "192.168.0.0/16", 100);
    Route specificDst = route("0.0.0.0/0", "192.168.20.0/24", 100);
    RouteTable t = RouteTable.of(List.of(specificSrc, specificDst));
    assertThat(lookup(t, "192.168.10.1", "192.168.20.1")).contains(specificDst);
  }

  @Test
  void fallsBackToShorterDestinationWhenNoSourceMatches() {
    Route vpn = route("192.168.10.0/24", "192.168.20.0/24", 100);
    Route def = route("0.0.0.0/0", "0.0.0.0/0", 100);
    RouteTable t = RouteTable.of(List.of(vpn, def));
    assertThat(lookup(t, "192.168.10.1", "192.168.20.1")).contains(vpn);
    assertThat(lookup(t, "192.168.11.1", "192.168.20.1")).contains(def);
  }

  @Test
  void tiesGoToTheLowestRouteIdAndAllTiedRoutesAreCandidates() {
    Route b = route(2, "0.0.0.0/0", "10.0.0.0/8", 100);
    Route a = route(1, "0.0.0.0/0", "10.0.0.0/8", 100);
    Route heavier = route(0, "0.0.0.0/0", "10.0.0.0/8", 200);
    RouteTable t = RouteTable.of(List.of(b, heavier, a));
    assertThat(lookup(t, "192.0.2.1", "10.0.0.1")).contains(a);
    assertThat(t.candidates(IpAddress.parse("192.0.2.1"), IpAddress.parse("10.0.0.1")))
        .containsExactly(a, b);
    assertThat(t.candidates(IpAddress.parse("192.0.2.1"), IpAddress.parse("11.0.0.1"))).isEmpty();
    assertThat(
            RouteTable.of(List.of(a, b))
                .lookup(IpAddress.parse("1.1.1.1"), IpAddress.parse("10.1.1.1")))
        .as("independent of insertion order")
        .isEqualTo(
            RouteTable.of(List.of(b, a))
                .lookup(IpAddress.parse("1.1.1.1"), IpAddress.parse("10.1.1.1")));
  }

  @Test
  void tieOrderIsUnsignedLikeTheIdText() {
    Route high =
        new Route(
            new RouteId(UUID.fromString("f0000000-0000-0000-0000-000000000000")),
            ROUTER,
            IpSubnet.parse("0.0.0.0/0"),
            IpSubnet.parse("10.0.0.0/8"),
            RouteType.BLACKHOLE,
            Optional.empty(),
            Optional.empty(),
            100);
    Route low =
        new Route(
            new RouteId(UUID.fromString("10000000-0000-0000-0000-000000000000")),
            ROUTER,
            IpSubnet.parse("0.0.0.0/0"),
            IpSubnet.parse("10.0.0.0/8"),
            RouteType.BLACKHOLE,
            Optional.empty(),
            Optional.empty(),
            100);
    assertThat(lookup(RouteTable.of(List.of(high, low)), "1.1.1.1", "10.0.0.1")).contains(low);
  }

  @Test
  void ipv6AndIpv4AreSeparateAndMixedLookupsMatchNothing() {
    Route v6 = route("::/0", "2001:db8::/32", 100);
    Route v6host = route("::/0", "2001:db8::1/128", 100);
    Route v4 = route("0.0.0.0/0", "0.0.0.0/0", 100);
    RouteTable t = RouteTable.of(List.of(v6, v6host, v4));
    assertThat(lookup(t, "2001:db8::9", "2001:db8::1")).contains(v6host);
    assertThat(lookup(t, "2001:db8::9", "2001:db8::2")).contains(v6);
    assertThat(lookup(t, "2001:db8::9", "2001:db9::1")).isEmpty();
    assertThat(lookup(t, "192.0.2.1", "2001:db8::1")).isEmpty();
    assertThat(lookup(t, "192.0.2.1", "8.8.8.8")).contains(v4);
  }

  @Test
  void emptyTableAndValidation() {
    assertThat(lookup(RouteTable.of(List.of()), "1.1.1.1", "2.2.2.2")).isEmpty();
    Route r = route("0.0.0.0/0", "10.0.0.0/8", 100);
    assertThatThrownBy(() -> RouteTable.of(List.of(r, r))).hasMessageContaining("appears twice");
    Route other =
        new Route(
            RouteId.random(),
            RouterId.random(),
            IpSubnet.parse("0.0.0.0/0"),
            IpSubnet.parse("10.0.0.0/8"),
            RouteType.BLACKHOLE,
            Optional.empty(),
            Optional.empty(),
            1);
    assertThatThrownBy(() -> RouteTable.of(List.of(r, other)))
        .hasMessageContaining("another router");
    assertThat(RouteTable.of(List.of(r)).size()).isEqualTo(1);
  }

  // ---- the index against a brute-force scan -------------------------------------------------

  /** The definition: filter the matching routes, take the most preferred. */
  static Optional<Route> scan(List<Route> routes, IpAddress src, IpAddress dst) {
    return routes.stream().filter(r -> r.matches(src, dst)).min(Route.PREFERENCE);
  }

  @Property(tries = 300)
  void ipv4IndexAgreesWithBruteForce(
      @ForAll("ipv4Routes") List<Route> routes, @ForAll("ipv4Probes") List<IpAddress> probes) {
    RouteTable table = RouteTable.of(routes);
    for (int i = 0; i + 1 < probes.size(); i += 2) {
      IpAddress src = probes.get(i);
      IpAddress dst = probes.get(i + 1);
      assertThat(table.lookup(src, dst))
          .as("src %s dst %s", src, dst)
          .isEqualTo(scan(routes, src, dst));
    }
  }

  @Property(tries = 200)
  void ipv6IndexAgreesWithBruteForce(
      @ForAll("ipv6Routes") List<Route> routes, @ForAll("ipv6Probes") List<IpAddress> probes) {
    RouteTable table = RouteTable.of(routes);
    for (int i = 0; i + 1 < probes.size(); i += 2) {
      assertThat(table.lookup(probes.get(i), probes.get(i + 1)))
          .isEqualTo(scan(routes, probes.get(i), probes.get(i + 1)));
    }
  }

  // Addresses are drawn from a small space (10.0.0.0/28 and 2001:db8::/124 with a few high bits
  // varied) so that random prefixes nest, collide and tie often.

  @Provide
  Arbitrary<List<Route>> ipv4Routes() {
    Arbitrary<IpSubnet> prefix =
        Combinators.combine(ipv4Addresses(), Arbitraries.integers().between(0, 32))
            .as(IpSubnet::containing);
    return routes(prefix);
  }

  @Provide
  Arbitrary<List<IpAddress>> ipv4Probes() {
    return ipv4Addresses().list().ofMinSize(2).ofMaxSize(40);
  }

  @Provide
  Arbitrary<List<Route>> ipv6Routes() {
    Arbitrary<IpSubnet> prefix =
        Combinators.combine(ipv6Addresses(), Arbitraries.integers().between(0, 128))
            .as(IpSubnet::containing);
    return routes(prefix);
  }

  @Provide
  Arbitrary<List<IpAddress>> ipv6Probes() {
    return ipv6Addresses().list().ofMinSize(2).ofMaxSize(40);
  }

  private static Arbitrary<IpAddress> ipv4Addresses() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 15))
        .as((high, low) -> new Ipv4Address(0x0a000000 | high << 22 | low));
  }

  private static Arbitrary<IpAddress> ipv6Addresses() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(0, 15))
        .as(
            (a, b, c) ->
                new Ipv6Address(0x20010db8_00000000L | (long) a << 20, (long) b << 40 | c));
  }

  private static Arbitrary<List<Route>> routes(Arbitrary<IpSubnet> prefix) {
    Arbitrary<Route> route =
        Combinators.combine(
                prefix,
                prefix,
                Arbitraries.integers().between(0, 3),
                Arbitraries.longs().between(0, 1_000_000))
            .as(
                (src, dst, weight, id) -> {
                  IpSubnet source = src.family() == dst.family() ? src : Route.anySource(dst);
                  return new Route(
                      new RouteId(new UUID(id, id)),
                      ROUTER,
                      source,
                      dst,
                      RouteType.BLACKHOLE,
                      Optional.empty(),
                      Optional.empty(),
                      weight);
                });
    return route.list().ofMaxSize(60).uniqueElements(Route::id).map(ArrayList::new);
  }
}
