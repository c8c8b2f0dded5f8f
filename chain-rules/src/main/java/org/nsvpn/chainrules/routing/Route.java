package org.nsvpn.chainrules.routing;

import java.util.Comparator;
import java.util.Optional;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouteId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;

/**
 * A route of a virtual router. It matches packets whose destination is in {@code destination}
 * <em>and</em> whose source is in {@code source} (use 0.0.0.0/0 for "any source").
 *
 * <p>Invariants: source, destination and gateway share one family; {@code normal} and {@code local}
 * routes name a next-hop port; only {@code normal} routes may have a gateway; {@code blackhole} and
 * {@code reject} routes have neither; weight is 0..65535.
 *
 * @param weight lower is preferred among routes with equally long prefixes
 */
public record Route(
    RouteId id,
    RouterId router,
    IpSubnet source,
    IpSubnet destination,
    RouteType type,
    Optional<PortId> nextHopPort,
    Optional<IpAddress> nextHopGateway,
    int weight)
    implements Identified {

  /** The weight midonet-cli gives a route when none is said. */
  public static final int DEFAULT_WEIGHT = 100;

  /**
   * Route preference, most preferred first: longer destination prefix, then longer source prefix,
   * then lower weight, then lower id (so that ties resolve the same way everywhere). This order,
   * applied to the routes that match a packet, is the definition {@link RouteTable} implements.
   */
  public static final Comparator<Route> PREFERENCE =
      Comparator.<Route>comparingInt(r -> -r.destination().prefixLength())
          .thenComparingInt(r -> -r.source().prefixLength())
          .thenComparingInt(Route::weight)
          .thenComparing(Route::id, EntityId.ORDER);

  public Route {
    Require.nonNull("route id", id);
    Require.nonNull("router", router);
    Require.nonNull("src", source);
    Require.nonNull("dst", destination);
    Require.nonNull("type", type);
    Require.nonNull("port", nextHopPort);
    Require.nonNull("gw", nextHopGateway);
    Require.inRange("weight", weight, 0, 65535);
    if (source.family() != destination.family()) {
      throw new InvalidValueException(
          "src",
          source,
          "is " + source.family() + " but dst " + destination + " is " + destination.family());
    }
    if (nextHopGateway.isPresent() && nextHopGateway.get().family() != destination.family()) {
      throw new InvalidValueException(
          "gw", nextHopGateway.get(), "is not of the destination's family " + destination.family());
    }
    switch (type) {
      case NORMAL, LOCAL -> {
        if (nextHopPort.isEmpty()) {
          throw new InvalidValueException(
              "port", "none", "a " + type.text() + " route needs a next-hop port");
        }
        if (type == RouteType.LOCAL && nextHopGateway.isPresent()) {
          throw new InvalidValueException(
              "gw", nextHopGateway.get(), "a local route has no gateway");
        }
      }
      case BLACKHOLE, REJECT -> {
        if (nextHopPort.isPresent() || nextHopGateway.isPresent()) {
          throw new InvalidValueException(
              nextHopPort.isPresent() ? "port" : "gw",
              nextHopPort.isPresent() ? nextHopPort.get() : nextHopGateway.get(),
              "a " + type.text() + " route has no next hop");
        }
      }
    }
  }

  /** A normal route from any source to {@code destination} via {@code port}, default weight. */
  public static Route normal(
      RouteId id, RouterId router, IpSubnet destination, PortId port, Optional<IpAddress> gateway) {
    return new Route(
        id,
        router,
        anySource(destination),
        destination,
        RouteType.NORMAL,
        Optional.of(port),
        gateway,
        DEFAULT_WEIGHT);
  }

  /** The any-address prefix of {@code destination}'s family. */
  public static IpSubnet anySource(IpSubnet destination) {
    return IpSubnet.containing(destination.address(), 0);
  }

  /** True when this route applies to a packet from {@code src} to {@code dst}. */
  public boolean matches(IpAddress src, IpAddress dst) {
    return destination.contains(dst) && source.contains(src);
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("route ").append(id).append(" type ").append(type.text());
    out.append(" src ").append(source).append(" dst ").append(destination);
    nextHopGateway.ifPresent(gw -> out.append(" gw ").append(gw));
    nextHopPort.ifPresent(port -> out.append(" port ").append(port));
    return out.append(" weight ").append(weight).toString();
  }
}
