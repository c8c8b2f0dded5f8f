package org.nsvpn.namespacemanager.rtnl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.namespacemanager.netlink.Attributes;
import org.nsvpn.namespacemanager.netlink.MessageWriter;
import org.nsvpn.namespacemanager.netlink.Netlink;
import org.nsvpn.namespacemanager.netlink.NetlinkMessage;
import org.nsvpn.namespacemanager.netlink.NetlinkRequest;
import org.nsvpn.namespacemanager.netlink.NlMsgHdr;

class RtnlCodecTest {

  private static ByteBuffer payload(NetlinkRequest request) {
    return ByteBuffer.wrap(request.message())
        .order(ByteOrder.nativeOrder())
        .position(NlMsgHdr.SIZE)
        .slice()
        .order(ByteOrder.nativeOrder());
  }

  private static NetlinkMessage asReply(NetlinkRequest request) {
    return NetlinkMessage.split(ByteBuffer.wrap(request.message())).get(0);
  }

  @Test
  void structsRoundTripAtTheirCSizes() {
    IfInfoMsg link = new IfInfoMsg(Rtnl.AF_UNSPEC, 1, 7, Rtnl.IFF_UP, Rtnl.IFF_UP);
    IfAddrMsg address = new IfAddrMsg(Rtnl.AF_INET6, 64, Rtnl.IFA_F_NODAD, Rtnl.RT_SCOPE_LINK, 3);
    RtMsg route = new RtMsg(Rtnl.AF_INET, 24, 0, 0, Rtnl.RT_TABLE_MAIN, 4, 0, 1, 0);
    NdMsg neighbour = new NdMsg(Rtnl.AF_INET, 9, Rtnl.NUD_PERMANENT, 0, 0);

    ByteBuffer out = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
    link.encode(out);
    assertThat(out.position()).isEqualTo(IfInfoMsg.SIZE).isEqualTo(16);
    address.encode(out);
    route.encode(out);
    neighbour.encode(out);
    assertThat(out.position()).isEqualTo(16 + 8 + 12 + 12);
    out.flip();
    assertThat(IfInfoMsg.decode(out)).isEqualTo(link);
    assertThat(IfAddrMsg.decode(out)).isEqualTo(address);
    assertThat(RtMsg.decode(out)).isEqualTo(route);
    assertThat(NdMsg.decode(out)).isEqualTo(neighbour);
  }

  @Test
  void u8FieldsRefuseWiderValues() {
    assertThatThrownBy(() -> new RtMsg(2, 24, 0, 0, 256, 4, 0, 1, 0))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageStartingWith("rtm_table:");
    assertThatThrownBy(() -> new NdMsg(2, 1, 0x10000, 0, 0)).hasMessageStartingWith("ndm_state:");
  }

  @Test
  void vethRequestNestsThePeerWithItsOwnIfinfomsg() {
    VethPair pair =
        new VethPair(
            "host0",
            "inner0",
            Optional.of(Path.of("/run/netns/x")),
            Optional.of(MacAddress.parse("ac:ca:ba:4a:61:c5")),
            OptionalInt.of(1400),
            true);
    NetlinkRequest request = RtnlCodec.createVeth(pair, 42);

    assertThat(request.type()).isEqualTo(Rtnl.RTM_NEWLINK);
    assertThat(request.flags()).isEqualTo(Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL);
    ByteBuffer body = payload(request);
    IfInfoMsg up = new IfInfoMsg(Rtnl.AF_UNSPEC, 0, 0, Rtnl.IFF_UP, Rtnl.IFF_UP);
    assertThat(IfInfoMsg.decode(body)).as("created up").isEqualTo(up);
    Attributes top = Attributes.parse(body);
    assertThat(top.string(Rtnl.IFLA_IFNAME)).contains("host0");
    assertThat(top.u32(Rtnl.IFLA_MTU)).isEqualTo(1400);
    Attributes info = top.nested(Rtnl.IFLA_LINKINFO).orElseThrow();
    assertThat(info.string(Rtnl.IFLA_INFO_KIND)).contains("veth");
    ByteBuffer peer =
        info.nested(Rtnl.IFLA_INFO_DATA).orElseThrow().get(Rtnl.VETH_INFO_PEER).orElseThrow();
    assertThat(IfInfoMsg.decode(peer))
        .as("the peer cannot be created up")
        .isEqualTo(IfInfoMsg.ofIndex(0));
    Attributes peerAttributes = Attributes.parse(peer);
    assertThat(peerAttributes.string(Rtnl.IFLA_IFNAME)).contains("inner0");
    assertThat(peerAttributes.u32(Rtnl.IFLA_NET_NS_FD)).isEqualTo(42);
    assertThat(peerAttributes.bytes(Rtnl.IFLA_ADDRESS))
        .hasValueSatisfying(
            b -> assertThat(MacAddress.fromBytes(b).toString()).isEqualTo("ac:ca:ba:4a:61:c5"));
  }

  @Test
  void linkReplyDecodes() {
    MessageWriter w = MessageWriter.request(Rtnl.RTM_NEWLINK, 0, "reply");
    new IfInfoMsg(0, 1, 5, Rtnl.IFF_UP | Rtnl.IFF_LOWER_UP, 0).encode(w.reserve(IfInfoMsg.SIZE));
    w.string(Rtnl.IFLA_IFNAME, "vpn0ns");
    w.bytes(Rtnl.IFLA_ADDRESS, MacAddress.parse("02:00:00:00:00:01").toBytes());
    w.u32(Rtnl.IFLA_MTU, 1500);
    w.u32(Rtnl.IFLA_LINK, 9);
    int info = w.beginNested(Rtnl.IFLA_LINKINFO);
    w.string(Rtnl.IFLA_INFO_KIND, "veth");
    w.endNested(info);

    Link link = RtnlCodec.decodeLink(asReply(w.build()));

    assertThat(link.index()).isEqualTo(5);
    assertThat(link.name()).isEqualTo("vpn0ns");
    assertThat(link.isUp()).isTrue();
    assertThat(link.isLowerUp()).isTrue();
    assertThat(link.isVeth()).isTrue();
    assertThat(link.peerIndex()).hasValue(9);
    assertThat(link.peerNamespaceId()).isEmpty();
    assertThat(link.mac()).contains(MacAddress.parse("02:00:00:00:00:01"));
  }

  @Test
  void addressRequestCarriesLocalAndAddress() {
    NetlinkRequest request =
        RtnlCodec.address(Rtnl.RTM_NEWADDR, 0, 4, InterfaceAddress.parse("169.254.1.2/30"));
    ByteBuffer body = payload(request);
    IfAddrMsg header = IfAddrMsg.decode(body);
    assertThat(header).isEqualTo(new IfAddrMsg(Rtnl.AF_INET, 30, 0, 0, 4));
    Attributes attributes = Attributes.parse(body);
    assertThat(attributes.bytes(Rtnl.IFA_LOCAL))
        .hasValue(new byte[] {(byte) 169, (byte) 254, 1, 2});
    assertThat(request.operation()).isEqualTo("RTM_NEWADDR 169.254.1.2/30 dev 4");

    AddressEntry decoded = RtnlCodec.decodeAddress(asReply(request));
    assertThat(decoded.address()).isEqualTo(InterfaceAddress.parse("169.254.1.2/30"));
    assertThat(decoded.index()).isEqualTo(4);
  }

  @Test
  void routeRoundTripsThroughTheCodec() {
    RouteEntry route =
        RouteEntry.via(IpSubnet.parse("198.51.100.0/24"), IpAddress.parse("169.254.1.1"), 3, 1000);
    NetlinkRequest request = RtnlCodec.route(Rtnl.RTM_NEWROUTE, 0, route);

    RtMsg header = RtMsg.decode(payload(request));
    assertThat(header.table()).as("tables >= 256 travel in RTA_TABLE only").isZero();
    assertThat(RtnlCodec.decodeRoute(asReply(request))).isEqualTo(route);

    RouteEntry defaultRoute = RouteEntry.defaultVia(IpAddress.parse("169.254.1.1"), 3);
    assertThat(
            Attributes.parse(payload(RtnlCodec.route(24, 0, defaultRoute)).position(RtMsg.SIZE))
                .has(Rtnl.RTA_DST))
        .as("a default route has no RTA_DST")
        .isFalse();
    assertThat(RtnlCodec.decodeRoute(asReply(RtnlCodec.route(24, 0, defaultRoute))))
        .isEqualTo(defaultRoute);
  }

  @Test
  void routesRefuseMixedFamiliesAndTableZero() {
    assertThatThrownBy(
            () ->
                RouteEntry.via(
                    IpSubnet.parse("2001:db8::/64"), IpAddress.parse("192.0.2.1"), 1, 254))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageStartingWith("route gateway:");
    assertThatThrownBy(
            () ->
                RouteEntry.via(IpSubnet.parse("192.0.2.0/24"), IpAddress.parse("192.0.2.1"), 1, 0))
        .hasMessageStartingWith("route table:");
  }

  @Test
  void neighbourRoundTripsAndBridgeEntriesAreSkipped() {
    NetlinkRequest put =
        RtnlCodec.putNeighbour(
            6, IpAddress.parse("169.254.1.1"), MacAddress.parse("ac:ca:ba:43:05:45"));
    assertThat(put.flags()).isEqualTo(Netlink.NLM_F_CREATE | Netlink.NLM_F_REPLACE);
    NeighbourEntry entry = RtnlCodec.decodeNeighbour(asReply(put)).orElseThrow();
    assertThat(entry.isPermanent()).isTrue();
    assertThat(entry.index()).isEqualTo(6);
    assertThat(entry.mac()).contains(MacAddress.parse("ac:ca:ba:43:05:45"));

    MessageWriter fdb = MessageWriter.request(Rtnl.RTM_NEWNEIGH, 0, "fdb");
    new NdMsg(7, 6, Rtnl.NUD_PERMANENT, 0, 0).encode(fdb.reserve(NdMsg.SIZE));
    fdb.bytes(Rtnl.NDA_LLADDR, MacAddress.parse("02:00:00:00:00:09").toBytes());
    assertThat(RtnlCodec.decodeNeighbour(asReply(fdb.build()))).isEmpty();
  }

  @Test
  void vethPairValidatesItsInputs() {
    assertThatThrownBy(() -> VethPair.withPeerIn("far-too-long-name", "b", Path.of("/x")))
        .hasMessageStartingWith("veth name:");
    assertThatThrownBy(
            () -> VethPair.withPeerIn("a", "b", Path.of("/x")).withPeerMac(MacAddress.BROADCAST))
        .hasMessageStartingWith("veth peer mac:");
    assertThatThrownBy(() -> VethPair.withPeerIn("a", "b", Path.of("/x")).withMtu(20))
        .hasMessageStartingWith("veth mtu:");
  }
}
