package org.nsvpn.namespacemanager.rtnl;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalInt;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpFamily;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.namespacemanager.netlink.Attributes;
import org.nsvpn.namespacemanager.netlink.MessageWriter;
import org.nsvpn.namespacemanager.netlink.Netlink;
import org.nsvpn.namespacemanager.netlink.NetlinkMessage;
import org.nsvpn.namespacemanager.netlink.NetlinkProtocolException;
import org.nsvpn.namespacemanager.netlink.NetlinkRequest;

/** Encodes rtnetlink requests and decodes replies into the package's values. Stateless; no I/O. */
final class RtnlCodec {
  private static final int ETHER_ADDRESS_LENGTH = 6;

  private RtnlCodec() {}

  static int family(IpFamily family) {
    return family == IpFamily.IPV4 ? Rtnl.AF_INET : Rtnl.AF_INET6;
  }

  // ---- links

  static NetlinkRequest dumpLinks() {
    MessageWriter w = MessageWriter.request(Rtnl.RTM_GETLINK, 0, "RTM_GETLINK dump");
    IfInfoMsg.ofIndex(0).encode(w.reserve(IfInfoMsg.SIZE));
    return w.build();
  }

  static NetlinkRequest getLink(String name) {
    MessageWriter w = MessageWriter.request(Rtnl.RTM_GETLINK, 0, "RTM_GETLINK " + name);
    IfInfoMsg.ofIndex(0).encode(w.reserve(IfInfoMsg.SIZE));
    w.string(Rtnl.IFLA_IFNAME, name);
    return w.build();
  }

  static NetlinkRequest getLink(int index) {
    MessageWriter w = MessageWriter.request(Rtnl.RTM_GETLINK, 0, "RTM_GETLINK index " + index);
    IfInfoMsg.ofIndex(index).encode(w.reserve(IfInfoMsg.SIZE));
    return w.build();
  }

  /** {@code namespaceFd} is the open peer namespace file, or -1 for none. */
  static NetlinkRequest createVeth(VethPair pair, int namespaceFd) {
    MessageWriter w =
        MessageWriter.request(
            Rtnl.RTM_NEWLINK,
            Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL,
            "RTM_NEWLINK veth " + pair.name() + " peer " + pair.peerName());
    IfInfoMsg flags = upFlags(pair.up());
    flags.encode(w.reserve(IfInfoMsg.SIZE));
    w.string(Rtnl.IFLA_IFNAME, pair.name());
    pair.mtu().ifPresent(mtu -> w.u32(Rtnl.IFLA_MTU, mtu));
    int linkInfo = w.beginNested(Rtnl.IFLA_LINKINFO);
    w.string(Rtnl.IFLA_INFO_KIND, "veth");
    int data = w.beginNested(Rtnl.IFLA_INFO_DATA);
    int peer = w.beginNested(Rtnl.VETH_INFO_PEER);
    // Never up: the kernel cannot open the peer before the pair is complete (ENOTCONN).
    IfInfoMsg.ofIndex(0).encode(w.reserve(IfInfoMsg.SIZE));
    w.string(Rtnl.IFLA_IFNAME, pair.peerName());
    pair.peerMac().ifPresent(mac -> w.bytes(Rtnl.IFLA_ADDRESS, mac.toBytes()));
    pair.mtu().ifPresent(mtu -> w.u32(Rtnl.IFLA_MTU, mtu));
    if (namespaceFd >= 0) {
      w.u32(Rtnl.IFLA_NET_NS_FD, namespaceFd);
    }
    w.endNested(peer);
    w.endNested(data);
    w.endNested(linkInfo);
    return w.build();
  }

  private static IfInfoMsg upFlags(boolean up) {
    return up
        ? new IfInfoMsg(Rtnl.AF_UNSPEC, 0, 0, Rtnl.IFF_UP, Rtnl.IFF_UP)
        : IfInfoMsg.ofIndex(0);
  }

  static NetlinkRequest setMac(int index, MacAddress mac) {
    MessageWriter w =
        MessageWriter.request(
            Rtnl.RTM_NEWLINK, 0, "RTM_NEWLINK index " + index + " address " + mac);
    IfInfoMsg.ofIndex(index).encode(w.reserve(IfInfoMsg.SIZE));
    w.bytes(Rtnl.IFLA_ADDRESS, mac.toBytes());
    return w.build();
  }

  static NetlinkRequest setMtu(int index, int mtu) {
    MessageWriter w =
        MessageWriter.request(Rtnl.RTM_NEWLINK, 0, "RTM_NEWLINK index " + index + " mtu " + mtu);
    IfInfoMsg.ofIndex(index).encode(w.reserve(IfInfoMsg.SIZE));
    w.u32(Rtnl.IFLA_MTU, mtu);
    return w.build();
  }

  static NetlinkRequest setUp(int index, boolean up) {
    MessageWriter w =
        MessageWriter.request(
            Rtnl.RTM_NEWLINK, 0, "RTM_NEWLINK index " + index + (up ? " up" : " down"));
    new IfInfoMsg(Rtnl.AF_UNSPEC, 0, index, up ? Rtnl.IFF_UP : 0, Rtnl.IFF_UP)
        .encode(w.reserve(IfInfoMsg.SIZE));
    return w.build();
  }

  static NetlinkRequest deleteLink(int index) {
    MessageWriter w = MessageWriter.request(Rtnl.RTM_DELLINK, 0, "RTM_DELLINK index " + index);
    IfInfoMsg.ofIndex(index).encode(w.reserve(IfInfoMsg.SIZE));
    return w.build();
  }

  static Link decodeLink(NetlinkMessage message) {
    ByteBuffer payload = message.payload();
    requireLength(message, IfInfoMsg.SIZE);
    IfInfoMsg header = IfInfoMsg.decode(payload);
    Attributes attributes = Attributes.parse(payload);
    Optional<MacAddress> mac =
        attributes
            .bytes(Rtnl.IFLA_ADDRESS)
            .filter(b -> b.length == ETHER_ADDRESS_LENGTH)
            .map(MacAddress::fromBytes);
    Optional<String> kind =
        attributes.nested(Rtnl.IFLA_LINKINFO).flatMap(i -> i.string(Rtnl.IFLA_INFO_KIND));
    return new Link(
        header.index(),
        attributes.string(Rtnl.IFLA_IFNAME).orElse(""),
        mac,
        attributes.u32(Rtnl.IFLA_MTU, 0),
        header.flags(),
        kind,
        optionalInt(attributes, Rtnl.IFLA_LINK),
        optionalInt(attributes, Rtnl.IFLA_LINK_NETNSID));
  }

  // ---- addresses

  static NetlinkRequest dumpAddresses(int index) {
    MessageWriter w = MessageWriter.request(Rtnl.RTM_GETADDR, 0, "RTM_GETADDR dump");
    new IfAddrMsg(Rtnl.AF_UNSPEC, 0, 0, 0, index).encode(w.reserve(IfAddrMsg.SIZE));
    return w.build();
  }

  static NetlinkRequest address(int type, int flags, int index, InterfaceAddress address) {
    String verb = type == Rtnl.RTM_NEWADDR ? "RTM_NEWADDR " : "RTM_DELADDR ";
    MessageWriter w = MessageWriter.request(type, flags, verb + address + " dev " + index);
    boolean v6 = address.family() == IpFamily.IPV6;
    new IfAddrMsg(
            family(address.family()),
            address.prefixLength(),
            v6 ? Rtnl.IFA_F_NODAD : 0,
            Rtnl.RT_SCOPE_UNIVERSE,
            index)
        .encode(w.reserve(IfAddrMsg.SIZE));
    byte[] bytes = address.address().toBytes();
    w.bytes(Rtnl.IFA_LOCAL, bytes);
    w.bytes(Rtnl.IFA_ADDRESS, bytes);
    return w.build();
  }

  static AddressEntry decodeAddress(NetlinkMessage message) {
    ByteBuffer payload = message.payload();
    requireLength(message, IfAddrMsg.SIZE);
    IfAddrMsg header = IfAddrMsg.decode(payload);
    Attributes attributes = Attributes.parse(payload);
    byte[] bytes =
        attributes
            .bytes(Rtnl.IFA_LOCAL)
            .or(() -> attributes.bytes(Rtnl.IFA_ADDRESS))
            .orElseThrow(() -> new NetlinkProtocolException("address message without address"));
    return new AddressEntry(
        header.index(),
        new InterfaceAddress(IpAddress.fromBytes(bytes), header.prefixLength()),
        header.scope(),
        attributes.u32(Rtnl.IFA_FLAGS, header.flags()));
  }

  // ---- routes

  static NetlinkRequest dumpRoutes(IpFamily family, int table) {
    MessageWriter w =
        MessageWriter.request(Rtnl.RTM_GETROUTE, 0, "RTM_GETROUTE dump table " + table);
    new RtMsg(family(family), 0, 0, 0, table < 256 ? table : 0, 0, 0, 0, 0)
        .encode(w.reserve(RtMsg.SIZE));
    w.u32(Rtnl.RTA_TABLE, table);
    return w.build();
  }

  static NetlinkRequest route(int type, int flags, RouteEntry route) {
    String verb = type == Rtnl.RTM_NEWROUTE ? "RTM_NEWROUTE " : "RTM_DELROUTE ";
    MessageWriter w = MessageWriter.request(type, flags, verb + describe(route));
    IpSubnet destination = route.destination();
    new RtMsg(
            family(destination.family()),
            destination.prefixLength(),
            0,
            0,
            route.table() < 256 ? route.table() : Rtnl.RT_TABLE_UNSPEC,
            route.protocol(),
            route.scope(),
            route.type(),
            0)
        .encode(w.reserve(RtMsg.SIZE));
    if (destination.prefixLength() > 0) {
      w.bytes(Rtnl.RTA_DST, destination.address().toBytes());
    }
    route.gateway().ifPresent(g -> w.bytes(Rtnl.RTA_GATEWAY, g.toBytes()));
    route.outputInterface().ifPresent(i -> w.u32(Rtnl.RTA_OIF, i));
    route.preferredSource().ifPresent(s -> w.bytes(Rtnl.RTA_PREFSRC, s.toBytes()));
    route.metric().ifPresent(m -> w.u32(Rtnl.RTA_PRIORITY, m));
    w.u32(Rtnl.RTA_TABLE, route.table());
    return w.build();
  }

  static RouteEntry decodeRoute(NetlinkMessage message) {
    ByteBuffer payload = message.payload();
    requireLength(message, RtMsg.SIZE);
    RtMsg header = RtMsg.decode(payload);
    Attributes attributes = Attributes.parse(payload);
    IpFamily family = header.family() == Rtnl.AF_INET6 ? IpFamily.IPV6 : IpFamily.IPV4;
    IpAddress destination =
        attributes
            .bytes(Rtnl.RTA_DST)
            .map(IpAddress::fromBytes)
            .orElseGet(() -> IpAddress.fromBytes(new byte[family == IpFamily.IPV4 ? 4 : 16]));
    return new RouteEntry(
        IpSubnet.containing(destination, header.dstLength()),
        attributes.bytes(Rtnl.RTA_GATEWAY).map(IpAddress::fromBytes),
        optionalInt(attributes, Rtnl.RTA_OIF),
        attributes.u32(Rtnl.RTA_TABLE, header.table()),
        header.protocol(),
        header.scope(),
        header.type(),
        attributes.bytes(Rtnl.RTA_PREFSRC).map(IpAddress::fromBytes),
        optionalInt(attributes, Rtnl.RTA_PRIORITY));
  }

  static String describe(RouteEntry route) {
    StringBuilder out =
        new StringBuilder(route.isDefault() ? "default" : route.destination().toString());
    route.gateway().ifPresent(g -> out.append(" via ").append(g));
    route.outputInterface().ifPresent(i -> out.append(" dev ").append(i));
    return out.append(" table ").append(Integer.toUnsignedString(route.table())).toString();
  }

  // ---- neighbours

  static NetlinkRequest dumpNeighbours(int index) {
    MessageWriter w = MessageWriter.request(Rtnl.RTM_GETNEIGH, 0, "RTM_GETNEIGH dump");
    new NdMsg(Rtnl.AF_UNSPEC, 0, 0, 0, 0).encode(w.reserve(NdMsg.SIZE));
    if (index > 0) {
      w.u32(Rtnl.NDA_IFINDEX, index);
    }
    return w.build();
  }

  static NetlinkRequest putNeighbour(int index, IpAddress address, MacAddress mac) {
    MessageWriter w =
        MessageWriter.request(
            Rtnl.RTM_NEWNEIGH,
            Netlink.NLM_F_CREATE | Netlink.NLM_F_REPLACE,
            "RTM_NEWNEIGH " + address + " lladdr " + mac + " dev " + index + " permanent");
    new NdMsg(family(address.family()), index, Rtnl.NUD_PERMANENT, 0, 0)
        .encode(w.reserve(NdMsg.SIZE));
    w.bytes(Rtnl.NDA_DST, address.toBytes());
    w.bytes(Rtnl.NDA_LLADDR, mac.toBytes());
    return w.build();
  }

  static NetlinkRequest deleteNeighbour(int index, IpAddress address) {
    MessageWriter w =
        MessageWriter.request(Rtnl.RTM_DELNEIGH, 0, "RTM_DELNEIGH " + address + " dev " + index);
    new NdMsg(family(address.family()), index, 0, 0, 0).encode(w.reserve(NdMsg.SIZE));
    w.bytes(Rtnl.NDA_DST, address.toBytes());
    return w.build();
  }

  static Optional<NeighbourEntry> decodeNeighbour(NetlinkMessage message) {
    ByteBuffer payload = message.payload();
    requireLength(message, NdMsg.SIZE);
    NdMsg header = NdMsg.decode(payload);
    Attributes attributes = Attributes.parse(payload);
    Optional<byte[]> destination =
        attributes.bytes(Rtnl.NDA_DST).filter(b -> b.length == 4 || b.length == 16);
    if (destination.isEmpty()) {
      // Bridge FDB and proxy entries have no IP destination; they are not neighbours of ours.
      return Optional.empty();
    }
    return Optional.of(
        new NeighbourEntry(
            header.index(),
            IpAddress.fromBytes(destination.get()),
            attributes
                .bytes(Rtnl.NDA_LLADDR)
                .filter(b -> b.length == ETHER_ADDRESS_LENGTH)
                .map(MacAddress::fromBytes),
            header.state()));
  }

  // ---- helpers

  private static OptionalInt optionalInt(Attributes attributes, int type) {
    return attributes.has(type) ? OptionalInt.of(attributes.u32(type)) : OptionalInt.empty();
  }

  private static void requireLength(NetlinkMessage message, int size) {
    if (message.payload().remaining() < size) {
      throw new NetlinkProtocolException(
          "message type "
              + message.type()
              + " has "
              + message.payload().remaining()
              + " payload bytes, its struct needs "
              + size);
    }
  }
}
