package org.nsvpn.chainrules.vpn;

import java.util.Optional;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.model.SecretRef;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.MacAddress;

/**
 * The example of "IPSec traffic in the MidoNet Agent" (seed 002): router1 with public IP
 * 201.201.201.1 on port0, local subnet 192.168.10.0/24, remote subnet 192.168.20.0/24. The
 * document's addresses are kept verbatim because the test proves the plan reproduces them.
 */
final class Seed002 {
  static final RouterId ROUTER = RouterId.parse("5e3f0a42-0000-4000-8000-000000000001");
  static final PortId PORT0 = PortId.parse("5e3f0a42-0000-4000-8000-000000000010");
  static final PortId PORT1 = PortId.parse("5e3f0a42-0000-4000-8000-000000000011");
  static final VpnServiceId SERVICE = VpnServiceId.parse("c99b23de-a9a1-4d2c-9b1e-0123456789ab");
  static final MacAddress PORT0_MAC = MacAddress.parse("ac:ca:ba:4a:61:c5");
  static final MacAddress PORT1_MAC = MacAddress.parse("ac:ca:ba:43:05:45");
  static final IpAddress PUBLIC_IP = IpAddress.parse("201.201.201.1");

  static final RouterPort UPLINK =
      RouterPort.of(PORT0, ROUTER, PORT0_MAC, InterfaceAddress.parse("201.201.201.1/24"));
  static final VpnService VPN = new VpnService(SERVICE, "vpn0", ROUTER, PUBLIC_IP, true);

  private Seed002() {}

  static IpsecSiteConnection.Builder connection(
      String name, String local, String peer, String peerAddress) {
    return IpsecSiteConnection.builder()
        .id(new IpsecSiteConnectionId(SERVICE.derive("test connection " + name)))
        .vpnService(SERVICE)
        .name(name)
        .peerAddress(IpAddress.parse(peerAddress))
        .localCidrs(IpSubnet.parse(local))
        .peerCidrs(IpSubnet.parse(peer))
        .psk(new SecretRef(name + "-psk"));
  }

  static Topology topology() {
    return Topology.builder()
        .put(Router.of(ROUTER, "router1"))
        .put(UPLINK)
        .put(VPN)
        .put(connection("site-b", "192.168.10.0/24", "192.168.20.0/24", "198.51.100.2").build())
        .build();
  }

  /** The seed's plan: its port1 id and MAC are given, everything else is computed. */
  static VpnRedirectPlan plan(Topology topology) {
    return VpnRedirectPlan.request(topology, SERVICE).namespacePort(PORT1, PORT1_MAC).compute();
  }

  static Optional<RouterPort> port(Topology t, PortId id) {
    return t.port(id).map(RouterPort.class::cast);
  }
}
