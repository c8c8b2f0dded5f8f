package org.nsvpn.namespacemanager.rtnl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpFamily;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.namespacemanager.ffi.Errno;
import org.nsvpn.namespacemanager.netlink.NetlinkException;
import org.nsvpn.namespacemanager.netns.NetworkNamespaces;
import org.nsvpn.namespacemanager.testing.Ip;
import org.nsvpn.namespacemanager.testing.KernelResources;

/** rtnetlink against the kernel, checked with {@code ip -j}. */
class RouteNetlinkIT {
  private static final MacAddress MAC = MacAddress.parse("02:00:5e:10:00:01");

  @RegisterExtension final KernelResources kernel = new KernelResources();

  private final NetworkNamespaces namespaces = NetworkNamespaces.system();
  private String namespace;
  private String hostName;
  private String innerName;
  private RouteNetlink host;
  private RouteNetlink inside;

  @BeforeEach
  void createNamespaceAndVeth() {
    namespace = kernel.namespace(KernelResources.unique("rtit-"));
    hostName = kernel.hostLink(KernelResources.unique("rt"));
    innerName = KernelResources.unique("in");
    inside = namespaces.create(namespace, RouteNetlink::open);
    host = RouteNetlink.open();
    host.createVeth(
        VethPair.withPeerIn(hostName, innerName, namespaces.path(namespace)).withPeerMac(MAC));
  }

  @AfterEach
  void close() {
    inside.close();
    host.close();
  }

  private Link inner() {
    return inside.link(innerName).orElseThrow();
  }

  @Test
  void vethPeerLandsInTheNamespaceWithItsMac() {
    Link hostEnd = host.link(hostName).orElseThrow();
    Link inner = inner();

    assertThat(hostEnd.isVeth()).isTrue();
    assertThat(inner.isVeth()).isTrue();
    assertThat(inner.mac()).contains(MAC);
    assertThat(hostEnd.peerIndex()).hasValue(inner.index());
    assertThat(inner.peerIndex()).hasValue(hostEnd.index());
    assertThat(host.link(innerName)).as("not in the host namespace").isEmpty();
    assertThat(inside.link(inner.index())).contains(inner);
    assertThat(inside.links()).extracting(Link::name).containsExactlyInAnyOrder("lo", innerName);

    JsonNode oracle = Ip.jsonIn(namespace, "link", "show", "dev", innerName).get(0);
    assertThat(oracle.get("address").asText()).isEqualTo(MAC.toString());
    assertThat(oracle.get("ifindex").asInt()).isEqualTo(inner.index());
  }

  @Test
  void macMtuAndUpDownAreSet() {
    Link inner = inner();
    MacAddress other = MacAddress.parse("02:00:5e:10:00:99");

    inside.setMac(inner.index(), other);
    inside.setMtu(inner.index(), 1400);
    inside.setUp(inner.index(), true);
    host.setUp(host.link(hostName).orElseThrow().index(), true);

    Link changed = inner();
    assertThat(changed.mac()).contains(other);
    assertThat(changed.mtu()).isEqualTo(1400);
    assertThat(changed.isUp()).isTrue();
    JsonNode oracle = Ip.jsonIn(namespace, "link", "show", "dev", innerName).get(0);
    assertThat(oracle.get("address").asText()).isEqualTo(other.toString());
    assertThat(oracle.get("mtu").asInt()).isEqualTo(1400);
    assertThat(oracle.get("flags").toString()).contains("\"UP\"");

    inside.setUp(inner.index(), false);
    assertThat(inner().isUp()).isFalse();
    assertThat(
            Ip.jsonIn(namespace, "link", "show", "dev", innerName).get(0).get("flags").toString())
        .doesNotContain("\"UP\"");
  }

  @Test
  void missingLinksAreEmptyNotErrors() {
    assertThat(inside.link("nosuch0")).isEmpty();
    assertThat(inside.link(99_999)).isEmpty();
    assertThatThrownBy(() -> inside.link("bad/name")).isInstanceOf(InvalidValueException.class);
  }

  @Test
  void duplicateVethIsRefusedByTheKernel() {
    assertThatThrownBy(
            () ->
                host.createVeth(
                    VethPair.withPeerIn(hostName, innerName, namespaces.path(namespace))))
        .isInstanceOf(NetlinkException.class)
        .satisfies(e -> assertThat(((NetlinkException) e).errno()).isEqualTo(Errno.EEXIST))
        .hasMessageContaining("EEXIST");
  }

  @Test
  void addressesOfBothFamilies() {
    int index = inner().index();
    InterfaceAddress v4 = InterfaceAddress.parse("169.254.7.2/30");
    InterfaceAddress host32 = InterfaceAddress.parse("203.0.113.9/32");
    InterfaceAddress v6 = InterfaceAddress.parse("2001:db8:7::2/64");

    inside.addAddress(index, v4);
    inside.addAddress(index, host32);
    inside.addAddress(index, v6);

    assertThat(inside.addresses(index)).extracting(AddressEntry::address).contains(v4, host32, v6);
    assertThat(oracleAddresses()).contains("169.254.7.2/30", "203.0.113.9/32", "2001:db8:7::2/64");

    inside.deleteAddress(index, host32);
    inside.deleteAddress(index, v6);
    assertThat(inside.addresses(index))
        .extracting(AddressEntry::address)
        .doesNotContain(host32, v6);
    assertThat(oracleAddresses()).contains("169.254.7.2/30").doesNotContain("203.0.113.9/32");
    assertThatThrownBy(() -> inside.deleteAddress(index, host32))
        .isInstanceOf(NetlinkException.class);
  }

  private List<String> oracleAddresses() {
    List<String> out = new ArrayList<>();
    for (JsonNode info :
        Ip.jsonIn(namespace, "addr", "show", "dev", innerName).get(0).get("addr_info")) {
      out.add(info.get("local").asText() + "/" + info.get("prefixlen").asInt());
    }
    return out;
  }

  @Test
  void routesInMainAndOtherTables() {
    int index = inner().index();
    inside.setUp(index, true);
    inside.addAddress(index, InterfaceAddress.parse("169.254.7.2/29"));
    IpAddress gateway = IpAddress.parse("169.254.7.1");

    inside.addRoute(RouteEntry.defaultVia(gateway, index));
    inside.addRoute(RouteEntry.via(IpSubnet.parse("198.51.100.0/24"), gateway, index, 100));

    assertThat(inside.routes(IpFamily.IPV4, Rtnl.RT_TABLE_MAIN))
        .filteredOn(RouteEntry::isDefault)
        .singleElement()
        .satisfies(r -> assertThat(r.gateway()).contains(gateway));
    assertThat(inside.routes(IpFamily.IPV4, 100))
        .singleElement()
        .satisfies(r -> assertThat(r.destination()).isEqualTo(IpSubnet.parse("198.51.100.0/24")));
    JsonNode main = Ip.jsonIn(namespace, "route", "show", "default");
    assertThat(main.get(0).get("gateway").asText()).isEqualTo("169.254.7.1");
    assertThat(main.get(0).get("dev").asText()).isEqualTo(innerName);
    JsonNode table = Ip.jsonIn(namespace, "route", "show", "table", "100");
    assertThat(table.get(0).get("dst").asText()).isEqualTo("198.51.100.0/24");

    assertThatThrownBy(() -> inside.addRoute(RouteEntry.defaultVia(gateway, index)))
        .isInstanceOf(NetlinkException.class)
        .hasMessageContaining("EEXIST");
    inside.replaceRoute(RouteEntry.defaultVia(IpAddress.parse("169.254.7.4"), index));
    assertThat(Ip.jsonIn(namespace, "route", "show", "default").get(0).get("gateway").asText())
        .isEqualTo("169.254.7.4");

    inside.deleteRoute(RouteEntry.via(IpSubnet.parse("198.51.100.0/24"), gateway, index, 100));
    assertThat(inside.routes(IpFamily.IPV4, 100)).isEmpty();
    assertThat(Ip.jsonIn(namespace, "route", "show", "table", "100")).isEmpty();
  }

  @Test
  void kernelExplainsARefusedRoute() {
    int index = inner().index();
    inside.setUp(index, true);
    assertThatThrownBy(
            () ->
                inside.addRoute(
                    RouteEntry.via(
                        IpSubnet.parse("198.51.100.0/24"),
                        IpAddress.parse("203.0.113.1"),
                        index,
                        Rtnl.RT_TABLE_MAIN)))
        .isInstanceOfSatisfying(
            NetlinkException.class,
            e -> {
              assertThat(e.errnoName()).isEqualTo("ENETUNREACH");
              assertThat(e.kernelMessage()).isPresent();
              assertThat(e.operation()).contains("RTM_NEWROUTE 198.51.100.0/24 via 203.0.113.1");
            });
  }

  @Test
  void routeOfMixedFamiliesIsRefusedBeforeTheKernel() {
    assertThatThrownBy(
            () ->
                RouteEntry.via(
                    IpSubnet.parse("198.51.100.0/24"), IpAddress.parse("2001:db8::1"), 1, 254))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageStartingWith("route gateway: invalid value '2001:db8::1'");
  }

  @Test
  void permanentNeighbours() {
    int index = inner().index();
    inside.setUp(index, true);
    IpAddress v4 = IpAddress.parse("169.254.7.1");
    IpAddress v6 = IpAddress.parse("2001:db8:7::1");
    MacAddress mac = MacAddress.parse("02:00:5e:10:00:02");

    inside.putPermanentNeighbour(index, v4, mac);
    inside.putPermanentNeighbour(index, v6, mac);

    assertThat(inside.neighbours(index))
        .filteredOn(n -> n.address().equals(v4) || n.address().equals(v6))
        .hasSize(2)
        .allSatisfy(
            n -> {
              assertThat(n.isPermanent()).isTrue();
              assertThat(n.mac()).contains(mac);
            });
    JsonNode oracle = Ip.jsonIn(namespace, "neigh", "show", "dev", innerName, "to", "169.254.7.1");
    assertThat(oracle.get(0).get("lladdr").asText()).isEqualTo(mac.toString());
    assertThat(oracle.get(0).get("state").toString()).contains("PERMANENT");

    inside.putPermanentNeighbour(index, v4, MacAddress.parse("02:00:5e:10:00:03"));
    assertThat(
            Ip.jsonIn(namespace, "neigh", "show", "dev", innerName, "to", "169.254.7.1")
                .get(0)
                .get("lladdr")
                .asText())
        .as("replaced in place")
        .isEqualTo("02:00:5e:10:00:03");

    inside.deleteNeighbour(index, v4);
    assertThat(inside.neighbours(index)).extracting(NeighbourEntry::address).doesNotContain(v4);
    assertThat(Ip.jsonIn(namespace, "neigh", "show", "dev", innerName, "to", "169.254.7.1"))
        .isEmpty();
  }

  @Test
  void sysctlsAreThoseOfTheNamespaceOfTheCallingThread() {
    String hostForward = NetSysctls.read(NetSysctls.ipForward());
    String target = "1".equals(hostForward) ? "0" : "1";

    boolean wrote =
        namespaces.run(namespace, () -> NetSysctls.ensure(NetSysctls.ipForward(), target));
    boolean again =
        namespaces.run(namespace, () -> NetSysctls.ensure(NetSysctls.ipForward(), target));
    namespaces.run(namespace, () -> NetSysctls.ensure(NetSysctls.rpFilter(innerName), "2"));

    assertThat(wrote).isTrue();
    assertThat(again).isFalse();
    assertThat(NetSysctls.read(NetSysctls.ipForward())).as("host untouched").isEqualTo(hostForward);
    Ip.Result oracle =
        Ip.exec(
            "ip",
            "netns",
            "exec",
            namespace,
            "sysctl",
            "-n",
            "net.ipv4.ip_forward",
            "net.ipv4.conf." + innerName + ".rp_filter");
    assertThat(oracle.stdout().trim().split("\\s+")).containsExactly(target, "2");
    assertThatThrownBy(() -> NetSysctls.rpFilter("../../../kernel"))
        .isInstanceOf(InvalidValueException.class);
  }

  @Test
  void deletingOneEndDeletesThePair() {
    host.deleteLink(host.link(hostName).orElseThrow().index());
    assertThat(host.link(hostName)).isEmpty();
    assertThat(inside.link(innerName)).isEmpty();
    assertThat(Ip.hostLinkExists(hostName)).isFalse();
  }
}
