/**
 * rtnetlink ({@code NETLINK_ROUTE}): links and veth pairs, IPv4/IPv6 addresses, routes and
 * neighbour entries of the namespace a {@link org.nsvpn.namespacemanager.rtnl.RouteNetlink} socket
 * was opened in, plus the per-namespace sysctls nsvpn needs ({@link
 * org.nsvpn.namespacemanager.rtnl.NetSysctls}).
 *
 * <p>The C structs ({@code ifinfomsg}, {@code ifaddrmsg}, {@code rtmsg}, {@code ndmsg}) are
 * package-private records with {@code encode}/{@code decode}; {@code RtnlCodec} turns requests into
 * messages and replies into the public values ({@link org.nsvpn.namespacemanager.rtnl.Link}, {@link
 * org.nsvpn.namespacemanager.rtnl.AddressEntry}, {@link
 * org.nsvpn.namespacemanager.rtnl.RouteEntry}, {@link
 * org.nsvpn.namespacemanager.rtnl.NeighbourEntry}).
 */
package org.nsvpn.namespacemanager.rtnl;
