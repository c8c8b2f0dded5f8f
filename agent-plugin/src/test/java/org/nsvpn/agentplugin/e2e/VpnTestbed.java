package org.nsvpn.agentplugin.e2e;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.nsvpn.chainrules.id.BridgeId;
import org.nsvpn.chainrules.id.GatewayGroupId;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouteId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.Bridge;
import org.nsvpn.chainrules.model.BridgePort;
import org.nsvpn.chainrules.model.GatewayGroup;
import org.nsvpn.chainrules.model.HostBinding;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.model.SecretRef;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.routing.Route;
import org.nsvpn.chainrules.vpn.VpnNames;
import org.nsvpn.chainrules.vpn.VpnRedirectPlan;
import org.nsvpn.namespacemanager.testing.Ip;
import org.nsvpn.namespacemanager.testing.KernelResources;
import org.nsvpn.topology.ObjectKind;
import org.nsvpn.topology.StoreSnapshot;
import org.nsvpn.topology.StoreTransaction;

/**
 * The end-to-end topology, as in the demo: two sites A and B whose virtual routers have their
 * uplinks on a shared "internet" segment (a Linux bridge in a namespace of its own), each router
 * with a virtual bridge and a "VM" namespace behind it; and optionally a third site C, a stock
 * strongSwan in a namespace on the internet segment.
 *
 * <pre>
 *   vmA 10.1.0.10 ── bridgeA ── routerA 10.1.0.1 | 203.0.113.10 ─┐
 *                                                                 ├─ internet (br0) ── siteC 203.0.113.30
 *   vmB 10.2.0.10 ── bridgeB ── routerB 10.2.0.1 | 203.0.113.20 ─┤                      (10.3.0.1)
 *                                                   gw 203.0.113.1 ─┘
 * </pre>
 *
 * <p>Like real routers, both virtual routers (and site C) have a default route to a gateway on the
 * internet segment, and that gateway routes every site's subnet to the site: a packet that lost its
 * VPN route is not simply dropped, it leaves in clear, which is what the capture on the segment
 * must be able to see.
 *
 * <p>The 10.x addresses exist only inside namespaces this testbed creates. Every namespace and host
 * link is registered with {@link KernelResources} for clean-up, including the VPN namespaces the
 * agent will create.
 */
public final class VpnTestbed {
  /**
   * Where each exterior interface lives: the network namespace of the host that binds it (empty:
   * this machine's own, the single-host case) and that host's id.
   */
  public record Placement(
      Optional<String> vmANamespace,
      HostId vmAHost,
      Optional<String> uplinkANamespace,
      HostId uplinkAHost,
      Optional<String> siteBNamespace,
      HostId siteBHost) {

    static Placement oneHost(HostId host) {
      return new Placement(Optional.empty(), host, Optional.empty(), host, Optional.empty(), host);
    }
  }

  public static final String PSK_AB = "correct-horse-battery-staple-ab";
  static final String PSK_AC = "correct-horse-battery-staple-ac";

  /** The internet's router, every site's default gateway. */
  static final String GATEWAY = "203.0.113.1";

  final String internet;
  final String vmA;
  final String vmB;
  final String siteC;
  final String gateway;
  final String uplinkA;
  final String uplinkB;
  final String vmLinkA;
  final String vmLinkB;

  final RouterId routerA = RouterId.random();
  final RouterId routerB = RouterId.random();
  final PortId upA = PortId.random();
  final PortId upB = PortId.random();
  final PortId tenantA = PortId.random();
  final PortId tenantB = PortId.random();
  final BridgeId bridgeA = BridgeId.random();
  final BridgeId bridgeB = BridgeId.random();
  final PortId bridgeAVm = PortId.random();
  final PortId bridgeARouter = PortId.random();
  final PortId bridgeBVm = PortId.random();
  final PortId bridgeBRouter = PortId.random();
  final VpnServiceId serviceA = VpnServiceId.random();
  final VpnServiceId serviceB = VpnServiceId.random();
  final IpsecSiteConnectionId aToB = IpsecSiteConnectionId.random();
  final IpsecSiteConnectionId aToC = IpsecSiteConnectionId.random();
  final IpsecSiteConnectionId bToA = IpsecSiteConnectionId.random();

  private final Placement placement;

  private VpnTestbed(KernelResources kernel, Placement placement) {
    this.placement = placement;
    String id = KernelResources.unique("");
    internet = kernel.namespace("e2e-inet-" + id);
    vmA = kernel.namespace("e2e-vma-" + id);
    vmB = kernel.namespace("e2e-vmb-" + id);
    siteC = kernel.namespace("e2e-sitec-" + id);
    gateway = kernel.namespace("e2e-gw-" + id);
    uplinkA = kernel.hostLink("ua" + id);
    uplinkB = kernel.hostLink("ub" + id);
    vmLinkA = kernel.hostLink("va" + id);
    vmLinkB = kernel.hostLink("vb" + id);
    for (VpnServiceId service : List.of(serviceA, serviceB)) {
      kernel.namespace(VpnNames.namespace(service));
      kernel.hostLink(VpnNames.hostInterface(service));
    }
  }

  /** Creates the kernel side: namespaces, veths, the internet bridge, VM addresses. */
  static VpnTestbed create(KernelResources kernel) {
    VpnTestbed bed = new VpnTestbed(kernel, null);
    bed.build();
    return bed;
  }

  /**
   * The same sites spread over hosts: each exterior interface is created in the namespace of the
   * host that binds it ({@code placement}); the internet, site C and the gateway stay namespaces of
   * this machine.
   */
  public static VpnTestbed createAcross(KernelResources kernel, Placement placement) {
    VpnTestbed bed = new VpnTestbed(kernel, placement);
    bed.build();
    return bed;
  }

  /** The namespace the placement gives; this machine's own for the single-host testbed. */
  private Optional<String> in(java.util.function.Function<Placement, Optional<String>> part) {
    return placement == null ? Optional.empty() : part.apply(placement);
  }

  /** {@code ip} in {@code namespace}, or in this machine's own when empty. */
  private static void ipIn(Optional<String> namespace, String... args) {
    List<String> command = new java.util.ArrayList<>();
    namespace.ifPresent(ns -> command.addAll(List.of("-n", ns)));
    command.addAll(List.of(args));
    Ip.ip(command.toArray(String[]::new));
  }

  private void build() {
    for (String ns : List.of(internet, vmA, vmB, siteC, gateway)) {
      Ip.ip("netns", "add", ns);
      Ip.ip("-n", ns, "link", "set", "lo", "up");
    }
    // No multicast snooping: a snooping bridge joins the all-snoopers group (224.0.0.106) and
    // reports it from 0.0.0.0 onto the very segment the capture audits.
    Ip.ip("-n", internet, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0");
    Ip.ip("-n", internet, "link", "set", "br0", "up");
    // The internet segment carries only what the test expects: no IPv6 chatter from any stack.
    Ip.exec(
        "ip",
        "netns",
        "exec",
        internet,
        "sysctl",
        "-qw",
        "net.ipv6.conf.all.disable_ipv6=1",
        "net.ipv6.conf.default.disable_ipv6=1");
    Ip.exec(
        "ip",
        "netns",
        "exec",
        siteC,
        "sysctl",
        "-qw",
        "net.ipv6.conf.all.disable_ipv6=1",
        "net.ipv6.conf.default.disable_ipv6=1");
    attachToInternet(in(Placement::uplinkANamespace), uplinkA, "pa");
    attachToInternet(in(Placement::siteBNamespace), uplinkB, "pb");
    // Site C: a host on the internet segment, its protected subnet on its loopback.
    Ip.ip(
        "-n", internet, "link", "add", "pc", "type", "veth", "peer", "name", "eth0", "netns",
        siteC);
    Ip.ip("-n", internet, "link", "set", "pc", "master", "br0", "up");
    Ip.ip("-n", siteC, "link", "set", "eth0", "up");
    Ip.ip("-n", siteC, "addr", "add", "203.0.113.30/24", "dev", "eth0");
    Ip.ip("-n", siteC, "addr", "add", "10.3.0.1/32", "dev", "lo");
    Ip.ip("-n", siteC, "route", "add", "default", "via", GATEWAY);
    // The internet's router: forwards between the sites' public addresses and their subnets.
    Ip.ip(
        "-n", internet, "link", "add", "pg", "type", "veth", "peer", "name", "eth0", "netns",
        gateway);
    Ip.ip("-n", internet, "link", "set", "pg", "master", "br0", "up");
    Ip.ip("-n", gateway, "link", "set", "eth0", "up");
    Ip.ip("-n", gateway, "addr", "add", GATEWAY + "/24", "dev", "eth0");
    Ip.exec(
        "ip",
        "netns",
        "exec",
        gateway,
        "sysctl",
        "-qw",
        "net.ipv4.ip_forward=1",
        "net.ipv6.conf.all.disable_ipv6=1",
        "net.ipv6.conf.default.disable_ipv6=1");
    Ip.ip("-n", gateway, "route", "add", "10.1.0.0/24", "via", "203.0.113.10");
    Ip.ip("-n", gateway, "route", "add", "10.2.0.0/24", "via", "203.0.113.20");
    Ip.ip("-n", gateway, "route", "add", "10.3.0.0/24", "via", "203.0.113.30");
    vm(in(Placement::vmANamespace), vmA, vmLinkA, "10.1.0.10/24", "10.1.0.1");
    vm(in(Placement::siteBNamespace), vmB, vmLinkB, "10.2.0.10/24", "10.2.0.1");
  }

  private void attachToInternet(Optional<String> host, String hostEnd, String internetEnd) {
    ipIn(
        host,
        "link",
        "add",
        hostEnd,
        "type",
        "veth",
        "peer",
        "name",
        internetEnd,
        "netns",
        internet);
    // The host's own stack must not speak on an interface the virtual network owns.
    List<String> sysctl = new java.util.ArrayList<>();
    host.ifPresent(ns -> sysctl.addAll(List.of("ip", "netns", "exec", ns)));
    sysctl.addAll(List.of("sysctl", "-qw", "net.ipv6.conf." + hostEnd + ".disable_ipv6=1"));
    Ip.exec(sysctl.toArray(String[]::new));
    // Nor IGMP: a host stack reports the groups it joins (from 0.0.0.0, having no address here).
    ipIn(host, "link", "set", hostEnd, "multicast", "off", "up");
    Ip.ip("-n", internet, "link", "set", internetEnd, "master", "br0", "up");
  }

  private static void vm(
      Optional<String> host, String ns, String hostEnd, String address, String gateway) {
    ipIn(host, "link", "add", hostEnd, "type", "veth", "peer", "name", "eth0", "netns", ns);
    ipIn(host, "link", "set", hostEnd, "up");
    Ip.ip("-n", ns, "link", "set", "eth0", "up");
    Ip.ip("-n", ns, "addr", "add", address, "dev", "eth0");
    Ip.ip("-n", ns, "route", "add", "default", "via", gateway);
  }

  /** The virtual topology of sites A and B (and A's connection to C), PSKs included. */
  StoreTransaction topology(HostId host, boolean withSiteC) {
    return topology(Placement.oneHost(host), withSiteC);
  }

  /** As {@link #topology(HostId, boolean)}, with each binding on the host {@code at} names. */
  public StoreTransaction topology(Placement at, boolean withSiteC) {
    return topology(at, withSiteC, Optional.empty());
  }

  /** As above, with both VPN services placed by the scheduler over {@code group}, if given. */
  public StoreTransaction topology(Placement at, boolean withSiteC, Optional<GatewayGroup> group) {
    StoreTransaction.Builder tx = StoreTransaction.builder();
    network(tx, at);
    group.ifPresent(tx::create);
    vpn(tx, serviceA, serviceB, aToB, bToA, withSiteC ? aToC : null, group.map(GatewayGroup::id));
    return tx.build();
  }

  /** The sites' routers, bridges and ports without any VPN. */
  StoreTransaction network(HostId host) {
    StoreTransaction.Builder tx = StoreTransaction.builder();
    network(tx, Placement.oneHost(host));
    return tx.build();
  }

  /**
   * VPN services for routers A and B with the given ids, their A-B connections and PSK; with {@code
   * aToCId} also A's connection to site C.
   */
  StoreTransaction vpn(
      VpnServiceId a, VpnServiceId b, IpsecSiteConnectionId ab, IpsecSiteConnectionId ba) {
    StoreTransaction.Builder tx = StoreTransaction.builder();
    vpn(tx, a, b, ab, ba, null, Optional.empty());
    return tx.build();
  }

  private void vpn(
      StoreTransaction.Builder tx,
      VpnServiceId a,
      VpnServiceId b,
      IpsecSiteConnectionId ab,
      IpsecSiteConnectionId ba,
      IpsecSiteConnectionId ac,
      Optional<GatewayGroupId> group) {
    tx.create(new VpnService(a, "vpnA", routerA, IpAddress.parse("203.0.113.10"), true, group));
    tx.create(new VpnService(b, "vpnB", routerB, IpAddress.parse("203.0.113.20"), true, group));
    tx.putSecret(new SecretRef("psk-ab"), PSK_AB.getBytes(StandardCharsets.US_ASCII));
    tx.create(connection(ab, a, "a-to-b", "203.0.113.20", "10.1.0.0/24", "10.2.0.0/24", "psk-ab"));
    tx.create(connection(ba, b, "b-to-a", "203.0.113.10", "10.2.0.0/24", "10.1.0.0/24", "psk-ab"));
    if (ac != null) {
      tx.putSecret(new SecretRef("psk-ac"), PSK_AC.getBytes(StandardCharsets.US_ASCII));
      tx.create(
          connection(ac, a, "a-to-c", "203.0.113.30", "10.1.0.0/24", "10.3.0.0/24", "psk-ac"));
    }
  }

  /**
   * A router of its own with a VPN service whose uplink is bound to this host (to an interface that
   * does not exist: the service is realised, its peer never answers), and one connection.
   */
  StoreTransaction idleSite(HostId host, int n, VpnServiceId service) {
    RouterId router = RouterId.random();
    PortId uplink = PortId.random();
    String address = "203.0.113." + (100 + n);
    StoreTransaction.Builder tx = StoreTransaction.builder();
    tx.create(Router.of(router, "idle" + n));
    tx.create(
        RouterPort.of(
                uplink,
                router,
                MacAddress.parse(String.format("02:00:5e:0c:00:%02x", n)),
                InterfaceAddress.parse(address + "/24"))
            .withBinding(Optional.of(new HostBinding(host, "idle" + n + "-none"))));
    tx.create(new VpnService(service, "idle" + n, router, IpAddress.parse(address), true));
    tx.create(
        connection(
            IpsecSiteConnectionId.random(),
            service,
            "to-nowhere",
            "203.0.113.99",
            "10.5." + n + ".0/24",
            "10.6." + n + ".0/24",
            "psk-ab"));
    return tx.build();
  }

  private void network(StoreTransaction.Builder tx, Placement at) {
    site(
        tx,
        at.uplinkAHost(),
        at.vmAHost(),
        routerA,
        "routerA",
        upA,
        "203.0.113.10/24",
        "02:00:5e:0a:00:01",
        uplinkA,
        tenantA,
        "10.1.0.1/24",
        "02:00:5e:0a:01:01",
        bridgeA,
        "bridgeA",
        bridgeAVm,
        vmLinkA,
        bridgeARouter);
    site(
        tx,
        at.siteBHost(),
        at.siteBHost(),
        routerB,
        "routerB",
        upB,
        "203.0.113.20/24",
        "02:00:5e:0b:00:01",
        uplinkB,
        tenantB,
        "10.2.0.1/24",
        "02:00:5e:0b:01:01",
        bridgeB,
        "bridgeB",
        bridgeBVm,
        vmLinkB,
        bridgeBRouter);
  }

  private static void site(
      StoreTransaction.Builder tx,
      HostId uplinkHost,
      HostId vmHost,
      RouterId router,
      String name,
      PortId uplink,
      String uplinkAddress,
      String uplinkMac,
      String uplinkInterface,
      PortId tenant,
      String tenantAddress,
      String tenantMac,
      BridgeId bridge,
      String bridgeName,
      PortId bridgeVm,
      String vmInterface,
      PortId bridgeRouter) {
    tx.create(Router.of(router, name));
    tx.create(
        RouterPort.of(
                uplink, router, MacAddress.parse(uplinkMac), InterfaceAddress.parse(uplinkAddress))
            .withBinding(Optional.of(new HostBinding(uplinkHost, uplinkInterface))));
    tx.create(
        Route.normal(
            RouteId.random(),
            router,
            IpSubnet.parse("0.0.0.0/0"),
            uplink,
            Optional.of(IpAddress.parse(GATEWAY))));
    tx.create(Bridge.of(bridge, bridgeName));
    tx.create(
        BridgePort.of(bridgeVm, bridge)
            .withBinding(Optional.of(new HostBinding(vmHost, vmInterface))));
    tx.create(
        RouterPort.of(
                tenant, router, MacAddress.parse(tenantMac), InterfaceAddress.parse(tenantAddress))
            .withPeer(Optional.of(bridgeRouter)));
    tx.create(BridgePort.of(bridgeRouter, bridge).withPeer(Optional.of(tenant)));
  }

  static IpsecSiteConnection connection(
      IpsecSiteConnectionId id,
      VpnServiceId service,
      String name,
      String peer,
      String local,
      String remote,
      String psk) {
    return IpsecSiteConnection.builder()
        .id(id)
        .vpnService(service)
        .name(name)
        .peerAddress(IpAddress.parse(peer))
        .localCidrs(IpSubnet.parse(local))
        .peerCidrs(IpSubnet.parse(remote))
        .psk(new SecretRef(psk))
        .forceUdpEncapsulation(true)
        .build();
  }

  /** swanctl.conf of site C: the stock peer of connection a-to-c, with the defaults' proposals. */
  String siteCConfig() {
    return siteCConfig(
        "auth = psk\n id = 203.0.113.30",
        "auth = psk\n id = 203.0.113.10",
        """
        secrets {
          ike-a { id-1 = 203.0.113.10
                  id-2 = 203.0.113.30
                  secret = "%s" }
        }
        """
            .formatted(PSK_AC));
  }

  /**
   * swanctl.conf of site C with the given bodies of its {@code local} and {@code remote} sections
   * (authentication and identity) and its {@code secrets} section (or nothing).
   */
  String siteCConfig(String local, String remote, String secrets) {
    return """
        connections {
          to-a {
            version = 2
            local_addrs = 203.0.113.30
            remote_addrs = 203.0.113.10
            proposals = aes256-sha256-modp2048
            encap = yes
            local { %s }
            remote { %s }
            children {
              to-a {
                local_ts = 10.3.0.0/24
                remote_ts = 10.1.0.0/24
                esp_proposals = aes256-sha256-modp2048
                mode = tunnel
              }
            }
          }
        }
        %s"""
        .formatted(local, remote, secrets);
  }

  /** An IPv6 address on a VM (no duplicate address detection) and its IPv6 default route. */
  static void vm6(String namespace, String address, String router) {
    Ip.ip("-n", namespace, "addr", "add", address, "dev", "eth0", "nodad");
    Ip.ip("-n", namespace, "-6", "route", "add", "default", "via", router);
  }

  /** Router port {@code port} as stored in {@code s}, with {@code address} (CIDR) added. */
  static RouterPort withAddress(StoreSnapshot s, PortId port, String address) {
    RouterPort p = (RouterPort) s.get(ObjectKind.PORT, port).orElseThrow().value();
    List<InterfaceAddress> addresses = new java.util.ArrayList<>(p.addresses());
    addresses.add(InterfaceAddress.parse(address));
    return p.withAddresses(addresses);
  }

  /** {@code ping} from a namespace: 3 echo requests, 1 s timeout each. */
  static Ip.Result ping(String from, String to) {
    return ping(from, to, 3);
  }

  /**
   * {@code ping} from a namespace: {@code count} echo requests 0.2 s apart, 1 s timeout each;
   * {@code options} (such as {@code -6}, or {@code -i 0.05 -s 1000}) come after these defaults, so
   * they override them.
   */
  static Ip.Result ping(String from, String to, int count, String... options) {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                "ip",
                "netns",
                "exec",
                from,
                "ping",
                "-c",
                Integer.toString(count),
                "-i",
                "0.2",
                "-W",
                "1"));
    command.addAll(List.of(options));
    command.add(to);
    return Ip.exec(command.toArray(String[]::new));
  }

  static String namespaceOf(VpnServiceId service) {
    return VpnNames.namespace(service);
  }

  static PortId namespacePortOf(VpnServiceId service) {
    return VpnRedirectPlan.namespacePortId(service);
  }
}
