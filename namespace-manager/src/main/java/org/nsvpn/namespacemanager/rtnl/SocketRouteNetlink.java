package org.nsvpn.namespacemanager.rtnl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.nsvpn.chainrules.model.HostBinding;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpFamily;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.namespacemanager.ffi.Errno;
import org.nsvpn.namespacemanager.ffi.Syscalls;
import org.nsvpn.namespacemanager.netlink.Netlink;
import org.nsvpn.namespacemanager.netlink.NetlinkMessage;
import org.nsvpn.namespacemanager.netlink.NetlinkRequest;
import org.nsvpn.namespacemanager.netlink.NetlinkSocket;

/** {@link RouteNetlink} over one {@link NetlinkSocket}. */
final class SocketRouteNetlink implements RouteNetlink {
  private final NetlinkSocket socket;

  SocketRouteNetlink(NetlinkSocket socket) {
    this.socket = socket;
  }

  @Override
  public List<Link> links() {
    return socket.dump(RtnlCodec.dumpLinks()).stream()
        .filter(m -> m.type() == Rtnl.RTM_NEWLINK)
        .map(RtnlCodec::decodeLink)
        .toList();
  }

  @Override
  public Optional<Link> link(String name) {
    HostBinding.requireInterfaceName("interface name", name);
    return socket.query(RtnlCodec.getLink(name), Errno.ENODEV).map(RtnlCodec::decodeLink);
  }

  @Override
  public Optional<Link> link(int index) {
    if (index <= 0) {
      return Optional.empty();
    }
    return socket.query(RtnlCodec.getLink(index), Errno.ENODEV).map(RtnlCodec::decodeLink);
  }

  @Override
  public Link createVeth(VethPair pair) {
    // No NLM_F_ECHO: for a peer created in another namespace the kernel fails the whole request
    // with ENOTCONN when it cannot echo the peer's notification. One lookup instead.
    if (pair.peerNamespace().isEmpty()) {
      socket.execute(RtnlCodec.createVeth(pair, -1));
    } else {
      Path namespace = pair.peerNamespace().get();
      int fd = Syscalls.open(namespace, Syscalls.O_RDONLY | Syscalls.O_CLOEXEC, 0);
      try {
        socket.execute(RtnlCodec.createVeth(pair, fd));
      } finally {
        Syscalls.close(fd);
      }
    }
    return link(pair.name())
        .orElseThrow(() -> new IllegalStateException(pair.name() + " vanished after creation"));
  }

  @Override
  public void setMac(int index, MacAddress mac) {
    socket.execute(RtnlCodec.setMac(index, mac));
  }

  @Override
  public void setMtu(int index, int mtu) {
    socket.execute(RtnlCodec.setMtu(index, mtu));
  }

  @Override
  public void setUp(int index, boolean up) {
    socket.execute(RtnlCodec.setUp(index, up));
  }

  @Override
  public void deleteLink(int index) {
    socket.execute(RtnlCodec.deleteLink(index));
  }

  @Override
  public List<AddressEntry> addresses() {
    return addresses(0);
  }

  @Override
  public List<AddressEntry> addresses(int index) {
    List<AddressEntry> out = new ArrayList<>();
    for (NetlinkMessage m : socket.dump(RtnlCodec.dumpAddresses(index))) {
      if (m.type() == Rtnl.RTM_NEWADDR) {
        AddressEntry entry = RtnlCodec.decodeAddress(m);
        if (index == 0 || entry.index() == index) {
          out.add(entry);
        }
      }
    }
    return out;
  }

  @Override
  public void addAddress(int index, InterfaceAddress address) {
    socket.execute(
        RtnlCodec.address(
            Rtnl.RTM_NEWADDR, Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL, index, address));
  }

  @Override
  public void deleteAddress(int index, InterfaceAddress address) {
    socket.execute(RtnlCodec.address(Rtnl.RTM_DELADDR, 0, index, address));
  }

  @Override
  public List<RouteEntry> routes(IpFamily family, int table) {
    return socket.dump(RtnlCodec.dumpRoutes(family, table)).stream()
        .filter(m -> m.type() == Rtnl.RTM_NEWROUTE)
        .map(RtnlCodec::decodeRoute)
        .filter(r -> r.table() == table && r.destination().family() == family)
        .toList();
  }

  @Override
  public void addRoute(RouteEntry route) {
    socket.execute(
        RtnlCodec.route(Rtnl.RTM_NEWROUTE, Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL, route));
  }

  @Override
  public void replaceRoute(RouteEntry route) {
    socket.execute(
        RtnlCodec.route(Rtnl.RTM_NEWROUTE, Netlink.NLM_F_CREATE | Netlink.NLM_F_REPLACE, route));
  }

  @Override
  public void deleteRoute(RouteEntry route) {
    socket.execute(RtnlCodec.route(Rtnl.RTM_DELROUTE, 0, route));
  }

  @Override
  public List<NeighbourEntry> neighbours(int index) {
    List<NeighbourEntry> out = new ArrayList<>();
    for (NetlinkMessage m : socket.dump(RtnlCodec.dumpNeighbours(index))) {
      if (m.type() == Rtnl.RTM_NEWNEIGH) {
        RtnlCodec.decodeNeighbour(m).filter(n -> n.index() == index).ifPresent(out::add);
      }
    }
    return out;
  }

  @Override
  public void putPermanentNeighbour(int index, IpAddress address, MacAddress mac) {
    socket.execute(RtnlCodec.putNeighbour(index, address, mac));
  }

  @Override
  public void deleteNeighbour(int index, IpAddress address) {
    socket.execute(RtnlCodec.deleteNeighbour(index, address));
  }

  @Override
  public Batch batch() {
    List<NetlinkRequest> requests = new ArrayList<>();
    return new Batch() {
      @Override
      public Batch setUp(int index, boolean up) {
        requests.add(RtnlCodec.setUp(index, up));
        return this;
      }

      @Override
      public Batch addAddress(int index, InterfaceAddress address) {
        requests.add(
            RtnlCodec.address(
                Rtnl.RTM_NEWADDR, Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL, index, address));
        return this;
      }

      @Override
      public Batch putPermanentNeighbour(int index, IpAddress address, MacAddress mac) {
        requests.add(RtnlCodec.putNeighbour(index, address, mac));
        return this;
      }

      @Override
      public Batch addRoute(RouteEntry route) {
        requests.add(
            RtnlCodec.route(Rtnl.RTM_NEWROUTE, Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL, route));
        return this;
      }

      @Override
      public void execute() {
        socket.executeAll(List.copyOf(requests));
        requests.clear();
      }
    };
  }

  @Override
  public void close() {
    socket.close();
  }
}
