package org.nsvpn.namespacemanager.rtnl;

import java.util.Optional;
import java.util.OptionalInt;
import org.nsvpn.chainrules.net.MacAddress;

/**
 * A network interface as the kernel reports it ({@code RTM_NEWLINK} reply).
 *
 * @param index {@code ifi_index}, unique within its namespace only
 * @param name {@code IFLA_IFNAME}
 * @param mac {@code IFLA_ADDRESS} when it is an Ethernet address
 * @param mtu {@code IFLA_MTU}
 * @param flags {@code ifi_flags} ({@code IFF_*})
 * @param kind {@code IFLA_INFO_KIND}, e.g. {@code veth}; empty for physical and loopback devices
 * @param peerIndex {@code IFLA_LINK}: for a veth, the peer's index in the peer's namespace
 * @param peerNamespaceId {@code IFLA_LINK_NETNSID}: the peer's namespace when it is another one
 */
public record Link(
    int index,
    String name,
    Optional<MacAddress> mac,
    int mtu,
    int flags,
    Optional<String> kind,
    OptionalInt peerIndex,
    OptionalInt peerNamespaceId) {

  /** Administratively up ({@code IFF_UP}). */
  public boolean isUp() {
    return (flags & Rtnl.IFF_UP) != 0;
  }

  /** Carrier present ({@code IFF_LOWER_UP}); for a veth: both ends are up. */
  public boolean isLowerUp() {
    return (flags & Rtnl.IFF_LOWER_UP) != 0;
  }

  public boolean isVeth() {
    return kind.filter("veth"::equals).isPresent();
  }
}
