package org.nsvpn.topology;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouteId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.RuleId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.DeadPeerDetection;
import org.nsvpn.chainrules.model.DhGroup;
import org.nsvpn.chainrules.model.DpdAction;
import org.nsvpn.chainrules.model.Host;
import org.nsvpn.chainrules.model.HostBinding;
import org.nsvpn.chainrules.model.IkePolicy;
import org.nsvpn.chainrules.model.IkeVersion;
import org.nsvpn.chainrules.model.Initiator;
import org.nsvpn.chainrules.model.IpsecPolicy;
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
import org.nsvpn.chainrules.routing.RouteType;
import org.nsvpn.chainrules.rules.Chain;
import org.nsvpn.chainrules.rules.Condition;
import org.nsvpn.chainrules.rules.L2TransformRule;
import org.nsvpn.chainrules.rules.LiteralAction;
import org.nsvpn.chainrules.rules.LiteralRule;
import org.nsvpn.chainrules.rules.Match;
import org.nsvpn.chainrules.rules.PortRange;
import org.nsvpn.chainrules.rules.RedirectAction;

/** Test objects after seed 002 (router with uplink 201.201.201.1/24), with documentation nets. */
final class Fixtures {
  static final RouterId ROUTER = RouterId.parse("5e3f0a42-0000-4000-8000-000000000001");
  static final PortId UPLINK = PortId.parse("5e3f0a42-0000-4000-8000-000000000010");
  static final PortId TENANT = PortId.parse("5e3f0a42-0000-4000-8000-000000000012");
  static final HostId HOST = HostId.parse("5e3f0a42-0000-4000-8000-0000000000a1");
  static final VpnServiceId SERVICE = VpnServiceId.parse("c99b23de-a9a1-4d2c-9b1e-0123456789ab");
  static final IpsecSiteConnectionId CONNECTION =
      IpsecSiteConnectionId.parse("c99b23de-a9a1-4d2c-9b1e-0000000000c1");
  static final ChainId CHAIN = ChainId.parse("5e3f0a42-0000-4000-8000-0000000000c0");

  private Fixtures() {}

  static Router router() {
    return Router.of(ROUTER, "router1");
  }

  static RouterPort uplink() {
    return RouterPort.of(
        UPLINK,
        ROUTER,
        MacAddress.parse("ac:ca:ba:4a:61:c5"),
        InterfaceAddress.parse("201.201.201.1/24"));
  }

  /** An unbound port of the router whose id ends in {@code n}. */
  static RouterPort port(int n) {
    return RouterPort.of(
        PortId.parse(String.format("5e3f0a42-0000-4000-8001-%012d", n)),
        ROUTER,
        MacAddress.parse(String.format("ac:ca:ba:01:%02x:%02x", n >> 8, n & 0xff)),
        InterfaceAddress.parse("198.51.100." + (n % 250 + 1) + "/24"));
  }

  static RouterPort tenant() {
    return RouterPort.of(
            TENANT,
            ROUTER,
            MacAddress.parse("ac:ca:ba:00:00:12"),
            InterfaceAddress.parse("192.0.2.1/24"))
        .withBinding(Optional.of(new HostBinding(HOST, "veth-t0")));
  }

  static Host host() {
    return new Host(HOST, "host-a");
  }

  static Route route(int n) {
    return new Route(
        new RouteId(ROUTER.derive("route " + n)),
        ROUTER,
        IpSubnet.parse("192.0.2.0/24"),
        IpSubnet.parse("198.51.100." + (n % 256) + "/32"),
        RouteType.NORMAL,
        Optional.of(UPLINK),
        Optional.of(IpAddress.parse("201.201.201.254")),
        100 + n / 256);
  }

  static Chain chainWithRules() {
    return new Chain(
        CHAIN,
        "filters",
        List.of(
            new LiteralRule(
                new RuleId(CHAIN.derive("r1")),
                Condition.builder()
                    .nwSrc(Match.not(IpSubnet.parse("203.0.113.0/24")))
                    .nwProto(6)
                    .tpDst(new PortRange(20, 22))
                    .ethSrc(MacAddress.parse("02:00:00:00:00:01"))
                    .inPorts(TENANT)
                    .etherType(0x0800)
                    .build(),
                LiteralAction.ACCEPT),
            new L2TransformRule(
                new RuleId(CHAIN.derive("r2")),
                Condition.builder()
                    .nwDst(IpSubnet.parse("201.201.201.1/32"))
                    .nwProto(50)
                    .inverted(true)
                    .build(),
                new RedirectAction(TENANT, true, true))));
  }

  static VpnService service() {
    return new VpnService(SERVICE, "vpn0", ROUTER, IpAddress.parse("201.201.201.1"), true);
  }

  static IpsecSiteConnection connection() {
    return IpsecSiteConnection.builder()
        .id(CONNECTION)
        .vpnService(SERVICE)
        .name("site-b")
        .peerAddress(IpAddress.parse("198.51.100.2"))
        .localId(Optional.of("gw-a.example"))
        .localCidrs(IpSubnet.parse("192.168.10.0/24"))
        .peerCidrs(IpSubnet.parse("192.168.20.0/24"), IpSubnet.parse("192.168.30.0/24"))
        .psk(new SecretRef("site-b-psk"))
        .ikePolicy(
            new IkePolicy(
                IkeVersion.V1,
                org.nsvpn.chainrules.model.EncryptionAlgorithm.AES_128,
                org.nsvpn.chainrules.model.IntegrityAlgorithm.SHA1,
                DhGroup.GROUP5,
                Duration.ofSeconds(28800),
                org.nsvpn.chainrules.model.Phase1Mode.AGGRESSIVE,
                true))
        .ipsecPolicy(IpsecPolicy.DEFAULT.withPfs(Optional.empty()))
        .dpd(
            new DeadPeerDetection(
                DpdAction.RESTART, Duration.ofSeconds(10), Duration.ofSeconds(40)))
        .initiator(Initiator.RESPONSE_ONLY)
        .mtu(1400)
        .forceUdpEncapsulation(true)
        .build();
  }
}
