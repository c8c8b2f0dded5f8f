package org.nsvpn.namespacemanager.rtnl;

import java.util.Optional;
import java.util.OptionalInt;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.Ipv4Subnet;
import org.nsvpn.chainrules.net.Ipv6Subnet;
import org.nsvpn.namespacemanager.netlink.Checks;

/**
 * A route, as configured or as dumped ({@code rtmsg} plus {@code RTA_*}).
 *
 * @param destination {@code RTA_DST}/{@code rtm_dst_len}; 0.0.0.0/0 or ::/0 for a default route
 * @param gateway {@code RTA_GATEWAY}; same family as the destination
 * @param outputInterface {@code RTA_OIF}
 * @param table {@code RTA_TABLE} (a {@code __u32}), e.g. {@link Rtnl#RT_TABLE_MAIN}
 * @param protocol {@code rtm_protocol} ({@code RTPROT_*})
 * @param scope {@code rtm_scope} ({@code RT_SCOPE_*})
 * @param type {@code rtm_type} ({@code RTN_*})
 * @param preferredSource {@code RTA_PREFSRC}; same family as the destination
 * @param metric {@code RTA_PRIORITY}
 */
public record RouteEntry(
    IpSubnet destination,
    Optional<IpAddress> gateway,
    OptionalInt outputInterface,
    int table,
    int protocol,
    int scope,
    int type,
    Optional<IpAddress> preferredSource,
    OptionalInt metric) {

  public RouteEntry {
    Require.nonNull("route destination", destination);
    Require.nonNull("route gateway", gateway);
    Require.nonNull("route output interface", outputInterface);
    Require.nonNull("route preferred source", preferredSource);
    Require.nonNull("route metric", metric);
    if (gateway.isPresent() && gateway.get().family() != destination.family()) {
      throw new InvalidValueException(
          "route gateway",
          gateway.get(),
          "is " + gateway.get().family() + " but the destination " + destination + " is not");
    }
    if (preferredSource.isPresent() && preferredSource.get().family() != destination.family()) {
      throw new InvalidValueException(
          "route preferred source",
          preferredSource.get(),
          "is "
              + preferredSource.get().family()
              + " but the destination "
              + destination
              + " is not");
    }
    if (table == Rtnl.RT_TABLE_UNSPEC) {
      throw new InvalidValueException("route table", table, "must not be 0 (unspecified)");
    }
    Checks.u8("route protocol", protocol);
    Checks.u8("route scope", scope);
    Checks.u8("route type", type);
  }

  /** {@code default via GATEWAY dev INDEX} in the main table, as a static route. */
  public static RouteEntry defaultVia(IpAddress gateway, int outputInterface) {
    return via(anyOf(gateway), gateway, outputInterface, Rtnl.RT_TABLE_MAIN);
  }

  /** {@code DESTINATION via GATEWAY dev INDEX table TABLE}, as a static route. */
  public static RouteEntry via(
      IpSubnet destination, IpAddress gateway, int outputInterface, int table) {
    return new RouteEntry(
        destination,
        Optional.of(gateway),
        OptionalInt.of(outputInterface),
        table,
        Rtnl.RTPROT_STATIC,
        Rtnl.RT_SCOPE_UNIVERSE,
        Rtnl.RTN_UNICAST,
        Optional.empty(),
        OptionalInt.empty());
  }

  /** {@code DESTINATION dev INDEX scope link table TABLE}: directly connected. */
  public static RouteEntry onLink(IpSubnet destination, int outputInterface, int table) {
    return new RouteEntry(
        destination,
        Optional.empty(),
        OptionalInt.of(outputInterface),
        table,
        Rtnl.RTPROT_STATIC,
        Rtnl.RT_SCOPE_LINK,
        Rtnl.RTN_UNICAST,
        Optional.empty(),
        OptionalInt.empty());
  }

  /** {@code blackhole DESTINATION} in the main table, as a static route. */
  public static RouteEntry blackhole(IpSubnet destination) {
    return new RouteEntry(
        destination,
        Optional.empty(),
        OptionalInt.empty(),
        Rtnl.RT_TABLE_MAIN,
        Rtnl.RTPROT_STATIC,
        Rtnl.RT_SCOPE_UNIVERSE,
        Rtnl.RTN_BLACKHOLE,
        Optional.empty(),
        OptionalInt.empty());
  }

  public boolean isBlackhole() {
    return type == Rtnl.RTN_BLACKHOLE;
  }

  public boolean isDefault() {
    return destination.prefixLength() == 0;
  }

  private static IpSubnet anyOf(IpAddress address) {
    return switch (address.family()) {
      case IPV4 -> Ipv4Subnet.ANY;
      case IPV6 -> Ipv6Subnet.ANY;
    };
  }
}
