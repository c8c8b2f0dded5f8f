package org.nsvpn.namespacemanager.rtnl;

import java.util.List;
import java.util.Optional;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpFamily;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.namespacemanager.netlink.Netlink;
import org.nsvpn.namespacemanager.netlink.NetlinkSocket;

/**
 * rtnetlink operations on the network namespace the underlying socket was opened in. Every call is
 * one netlink request answered by the kernel (or one dump); failures throw {@link
 * org.nsvpn.namespacemanager.netlink.NetlinkException} with the kernel's message.
 *
 * <p>Thread-safe (requests on one socket are serialised). Closing closes the socket.
 */
public interface RouteNetlink extends AutoCloseable {

  /** Opens a {@code NETLINK_ROUTE} socket in the calling thread's network namespace. */
  static RouteNetlink open() {
    return new SocketRouteNetlink(NetlinkSocket.open(Netlink.NETLINK_ROUTE));
  }

  /** Uses an open {@code NETLINK_ROUTE} socket, which {@link #close()} then closes. */
  static RouteNetlink over(NetlinkSocket socket) {
    if (socket.protocol() != Netlink.NETLINK_ROUTE) {
      throw new IllegalArgumentException(socket + " is not a NETLINK_ROUTE socket");
    }
    return new SocketRouteNetlink(socket);
  }

  List<Link> links();

  /** The link named {@code name}; empty when there is none. The name is validated first. */
  Optional<Link> link(String name);

  /** The link with index {@code index}; empty when there is none. */
  Optional<Link> link(int index);

  /**
   * Creates a veth pair; the peer goes straight into its namespace (no moment in this one). Returns
   * the end created in this namespace (from the kernel's echo where it gives one).
   *
   * @throws org.nsvpn.namespacemanager.netlink.NetlinkException EEXIST when a name is taken
   */
  Link createVeth(VethPair pair);

  void setMac(int index, MacAddress mac);

  void setMtu(int index, int mtu);

  void setUp(int index, boolean up);

  /** Deletes a link; deleting one end of a veth pair deletes both. */
  void deleteLink(int index);

  /** Addresses of every interface, both families. */
  List<AddressEntry> addresses();

  /** Addresses of interface {@code index}, both families. */
  List<AddressEntry> addresses(int index);

  /** Adds an address (IPv6 ones without duplicate address detection, usable at once). */
  void addAddress(int index, InterfaceAddress address);

  void deleteAddress(int index, InterfaceAddress address);

  /** Routes of one family in one table ({@link Rtnl#RT_TABLE_MAIN}, or any other id). */
  List<RouteEntry> routes(IpFamily family, int table);

  /** Adds a route; fails with EEXIST when the same route exists. */
  void addRoute(RouteEntry route);

  /** Adds a route or replaces the one with the same destination, table and metric. */
  void replaceRoute(RouteEntry route);

  void deleteRoute(RouteEntry route);

  /** Neighbour entries (ARP and NDP) of interface {@code index}. */
  List<NeighbourEntry> neighbours(int index);

  /** Sets a permanent neighbour entry, replacing whatever entry {@code address} had. */
  void putPermanentNeighbour(int index, IpAddress address, MacAddress mac);

  void deleteNeighbour(int index, IpAddress address);

  /**
   * Collects changes to send in one datagram (one system call) with {@link Batch#execute()}; for a
   * series of changes that succeed or fail as a whole (the caller undoes them on failure).
   */
  Batch batch();

  /** Changes to send together; see {@link RouteNetlink#batch()}. Not thread-safe. */
  interface Batch {
    Batch setUp(int index, boolean up);

    Batch addAddress(int index, InterfaceAddress address);

    Batch putPermanentNeighbour(int index, IpAddress address, MacAddress mac);

    Batch addRoute(RouteEntry route);

    /**
     * Sends everything and waits for every answer.
     *
     * @throws org.nsvpn.namespacemanager.netlink.NetlinkException the first refusal (the kernel
     *     still applied the requests after it)
     */
    void execute();
  }

  @Override
  void close();
}
