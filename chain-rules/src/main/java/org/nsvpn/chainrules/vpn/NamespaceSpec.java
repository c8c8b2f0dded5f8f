package org.nsvpn.chainrules.vpn;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.model.HostBinding;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.Ipv6Address;
import org.nsvpn.chainrules.net.MacAddress;

/**
 * The IPsec namespace a VPN service needs on its host, as the namespace manager must realise it: a
 * network namespace holding one end of a veth pair, whose other end stays in the host namespace and
 * is bound to the router's namespace port.
 *
 * <p>The interface carries the router's public MAC and public IP (as a /32 or /128, so that nothing
 * is considered on-link through it) and the namespace side of the link-local /30; the default route
 * goes via the router side of the /30, whose MAC is pinned by a permanent neighbour entry because
 * an ARP request sourced from the public IP would never be answered. With an IPv6 public IP, the
 * namespace's IKE and ESP leave by the IPv6 default route ({@link #ipv6Gateway()}).
 *
 * @param name network namespace name (iproute2's {@code /run/netns/NAME})
 * @param interfaceName the veth end inside the namespace
 * @param hostInterfaceName the veth end left in the host namespace
 * @param interfaceMac MAC of the interface inside the namespace
 * @param addresses addresses of the interface inside the namespace
 * @param defaultGateway next hop of the namespace's default route; on-link through one of the
 *     addresses
 * @param neighbours permanent neighbour entries on the interface
 * @param loopbackAddresses host addresses (/32, /128) on the namespace's loopback. strongSwan's
 *     userspace ESP backend (kernel-libipsec) installs a child SA's policy only when the namespace
 *     owns an address inside the local traffic selector; these provide one per local subnet. They
 *     take no part in forwarding.
 * @param blackholeRoutes destinations dropped by the namespace itself unless a tunnel carries them:
 *     the peer subnets. strongSwan installs its tunnel routes in a table consulted before the main
 *     one, so these only catch what arrives while charon is down or an SA is missing; without them
 *     such cleartext would go back to the router through the default route (and loop).
 * @param ipv6Gateway next hop of the namespace's IPv6 default route, present when the service's
 *     tunnels carry IPv6 or run between IPv6 public addresses: a link-local address on the
 *     interface's link (its MAC pinned by a neighbour entry, as for IPv4), since the namespace's
 *     IPv6 link to the router is link-local
 */
public record NamespaceSpec(
    String name,
    String interfaceName,
    String hostInterfaceName,
    MacAddress interfaceMac,
    List<InterfaceAddress> addresses,
    Ipv4Address defaultGateway,
    List<StaticNeighbour> neighbours,
    List<InterfaceAddress> loopbackAddresses,
    List<IpSubnet> blackholeRoutes,
    Optional<Ipv6Address> ipv6Gateway) {

  private static final Pattern NETNS_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

  public NamespaceSpec {
    requireNamespaceName(name);
    HostBinding.requireInterfaceName("interface name", interfaceName);
    HostBinding.requireInterfaceName("host interface name", hostInterfaceName);
    if (interfaceName.equals(hostInterfaceName)) {
      throw new InvalidValueException(
          "host interface name",
          hostInterfaceName,
          "must differ from the namespace interface name");
    }
    Require.nonNull("interface mac", interfaceMac);
    if (!interfaceMac.isUnicast()) {
      throw new InvalidValueException("interface mac", interfaceMac, "must be a unicast address");
    }
    addresses = List.copyOf(Require.nonEmpty("addresses", addresses));
    Require.nonNull("default gateway", defaultGateway);
    if (addresses.stream()
        .noneMatch(
            a -> a.subnet().contains(defaultGateway) && !a.address().equals(defaultGateway))) {
      throw new InvalidValueException(
          "default gateway",
          defaultGateway,
          "is not on-link through any of the addresses " + addresses);
    }
    neighbours = List.copyOf(Require.noNulls("neighbours", neighbours));
    loopbackAddresses = List.copyOf(Require.noNulls("loopback addresses", loopbackAddresses));
    java.util.Set<org.nsvpn.chainrules.net.IpAddress> seen = new java.util.HashSet<>();
    addresses.forEach(a -> seen.add(a.address()));
    for (InterfaceAddress a : loopbackAddresses) {
      if (a.prefixLength() != a.family().bits()) {
        throw new InvalidValueException(
            "loopback addresses", a, "must be a host address (/32 or /128)");
      }
      if (!seen.add(a.address())) {
        throw new InvalidValueException(
            "loopback addresses", a, "is listed twice or also on the interface");
      }
    }
    Require.nonNull("ipv6 gateway", ipv6Gateway);
    if (ipv6Gateway.isPresent() && !ipv6Gateway.get().isLinkLocal()) {
      throw new InvalidValueException(
          "ipv6 gateway", ipv6Gateway.get(), "must be a link-local address (fe80::/10)");
    }
    blackholeRoutes = List.copyOf(Require.noNulls("blackhole routes", blackholeRoutes));
    if (new java.util.HashSet<>(blackholeRoutes).size() != blackholeRoutes.size()) {
      throw new InvalidValueException(
          "blackhole routes", blackholeRoutes, "lists a destination twice");
    }
    for (IpSubnet d : blackholeRoutes) {
      if (d.prefixLength() == 0) {
        throw new InvalidValueException(
            "blackhole routes", d, "must not be a default route (IKE itself would be dropped)");
      }
      if (d.contains(defaultGateway) || ipv6Gateway.filter(d::contains).isPresent()) {
        throw new InvalidValueException("blackhole routes", d, "covers the default gateway");
      }
      for (InterfaceAddress a : addresses) {
        if (d.contains(a.address())) {
          throw new InvalidValueException(
              "blackhole routes", d, "covers the namespace's own address " + a);
        }
      }
    }
  }

  /** A spec whose tunnels carry no IPv6 (no IPv6 default route). */
  public NamespaceSpec(
      String name,
      String interfaceName,
      String hostInterfaceName,
      MacAddress interfaceMac,
      List<InterfaceAddress> addresses,
      Ipv4Address defaultGateway,
      List<StaticNeighbour> neighbours,
      List<InterfaceAddress> loopbackAddresses,
      List<IpSubnet> blackholeRoutes) {
    this(
        name,
        interfaceName,
        hostInterfaceName,
        interfaceMac,
        addresses,
        defaultGateway,
        neighbours,
        loopbackAddresses,
        blackholeRoutes,
        Optional.empty());
  }

  /**
   * A spec without loopback addresses (a namespace whose host has kernel ESP needs none) and
   * without blackhole routes.
   */
  public NamespaceSpec(
      String name,
      String interfaceName,
      String hostInterfaceName,
      MacAddress interfaceMac,
      List<InterfaceAddress> addresses,
      Ipv4Address defaultGateway,
      List<StaticNeighbour> neighbours) {
    this(
        name,
        interfaceName,
        hostInterfaceName,
        interfaceMac,
        addresses,
        defaultGateway,
        neighbours,
        List.of(),
        List.of(),
        Optional.empty());
  }

  /**
   * Validates a network namespace name: 1-63 characters of letters, digits, '_', '.', '-', starting
   * with a letter or digit (so never "." or ".."; never a path).
   */
  public static String requireNamespaceName(String name) {
    if (name == null || !NETNS_NAME.matcher(name).matches()) {
      throw new InvalidValueException(
          "namespace name",
          String.valueOf(name),
          "must be 1-63 characters of letters, digits, '_', '.', '-', starting with a letter or digit");
    }
    return name;
  }
}
