package org.nsvpn.chainrules.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.id.RouteId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpFamily;

/**
 * The routes of one router, indexed for lookup by (source, destination).
 *
 * <p>Lookup returns the most preferred matching route in the order of {@link Route#PREFERENCE}: the
 * longest destination prefix that has any route whose source prefix matches; among those, the
 * longest source prefix; then the lowest weight; then the lowest route id. The structure is a trie
 * on destination prefixes whose nodes hold a trie on source prefixes, so a lookup visits at most
 * one root-to-leaf path per level and allocates nothing.
 *
 * <p>Immutable once built; safe to share between threads. Build a new table to change routes.
 */
public final class RouteTable {

  private static final BiFunction<List<Route>, Object, List<Route>> ALL =
      (routes, unused) -> routes;
  private static final BiFunction<PrefixTrie<List<Route>>, IpAddress, List<Route>> BY_SOURCE =
      (sources, src) -> sources.longestMatch(src, ALL, null);

  private final PrefixTrie<PrefixTrie<List<Route>>> ipv4 = new PrefixTrie<>();
  private final PrefixTrie<PrefixTrie<List<Route>>> ipv6 = new PrefixTrie<>();
  private final List<Route> routes;

  private RouteTable(List<Route> routes) {
    this.routes = routes;
  }

  /**
   * Indexes {@code routes}, which must all belong to one router and have distinct ids.
   *
   * @throws InvalidValueException on a duplicate id or routes of different routers
   */
  public static RouteTable of(Collection<Route> routes) {
    List<Route> sorted = new ArrayList<>(routes);
    sorted.sort(Route.PREFERENCE);
    Set<RouteId> ids = new HashSet<>();
    RouterId router = sorted.isEmpty() ? null : sorted.get(0).router();
    for (Route route : sorted) {
      if (!ids.add(route.id())) {
        throw new InvalidValueException("route id", route.id(), "appears twice in one route table");
      }
      if (!route.router().equals(router)) {
        throw new InvalidValueException(
            "router",
            route.router(),
            "route " + route.id() + " belongs to another router than " + router);
      }
    }
    RouteTable table = new RouteTable(List.copyOf(sorted));
    // Inserting in preference order leaves every per-prefix list sorted best-first.
    for (Route route : table.routes) {
      PrefixTrie<PrefixTrie<List<Route>>> trie =
          route.destination().family() == IpFamily.IPV4 ? table.ipv4 : table.ipv6;
      trie.computeIfAbsent(route.destination(), PrefixTrie::new)
          .computeIfAbsent(route.source(), ArrayList::new)
          .add(route);
    }
    return table;
  }

  /** The best route for a packet from {@code src} to {@code dst}, if any route matches. */
  public Optional<Route> lookup(IpAddress src, IpAddress dst) {
    List<Route> best = best(src, dst);
    return best == null ? Optional.empty() : Optional.of(best.get(0));
  }

  /**
   * All routes tied for best (same prefixes and weight: an equal-cost set), best first. {@link
   * #lookup} returns the first of them. Empty when no route matches.
   */
  public List<Route> candidates(IpAddress src, IpAddress dst) {
    List<Route> best = best(src, dst);
    if (best == null) {
      return List.of();
    }
    int weight = best.get(0).weight();
    int end = 1;
    while (end < best.size() && best.get(end).weight() == weight) {
      end++;
    }
    return List.copyOf(best.subList(0, end));
  }

  private List<Route> best(IpAddress src, IpAddress dst) {
    if (src.family() != dst.family()) {
      return null;
    }
    PrefixTrie<PrefixTrie<List<Route>>> trie = dst.family() == IpFamily.IPV4 ? ipv4 : ipv6;
    return trie.longestMatch(dst, BY_SOURCE, src);
  }

  /** The indexed routes, in preference order. */
  public List<Route> routes() {
    return routes;
  }

  public int size() {
    return routes.size();
  }
}
