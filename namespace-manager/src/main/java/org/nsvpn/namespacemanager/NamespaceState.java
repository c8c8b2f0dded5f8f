package org.nsvpn.namespacemanager;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nsvpn.namespacemanager.rtnl.AddressEntry;
import org.nsvpn.namespacemanager.rtnl.Link;
import org.nsvpn.namespacemanager.rtnl.NeighbourEntry;
import org.nsvpn.namespacemanager.rtnl.RouteEntry;

/**
 * The actual state of a namespace, as {@link NamespaceManager#inspect} read it from the kernel.
 *
 * @param routes the main table, both families
 * @param neighbours entries of every interface but loopback
 * @param sysctls {@code net.ipv4.ip_forward} and {@code net.ipv4.conf.{all,default}.rp_filter}
 */
public record NamespaceState(
    String name,
    List<Link> links,
    List<AddressEntry> addresses,
    List<RouteEntry> routes,
    List<NeighbourEntry> neighbours,
    Map<String, String> sysctls) {
  public NamespaceState {
    links = List.copyOf(links);
    addresses = List.copyOf(addresses);
    routes = List.copyOf(routes);
    neighbours = List.copyOf(neighbours);
    sysctls = Map.copyOf(sysctls);
  }

  public Optional<Link> link(String interfaceName) {
    return links.stream().filter(l -> l.name().equals(interfaceName)).findFirst();
  }
}
