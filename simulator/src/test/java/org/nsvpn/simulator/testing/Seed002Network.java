package org.nsvpn.simulator.testing;

import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.SecretRef;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.vpn.VpnRedirectPlan;

/**
 * The example network of "IPSec traffic in the MidoNet Agent" (seed 002), as the agent would set it
 * up: router1 with public IP 201.201.201.1/24 on port0 (MAC ac:ca:ba:4a:61:c5, bound to the host's
 * uplink), a tenant port 192.168.10.1/24 linked to bridge "tenant" with one VM port, a default
 * route via 201.201.201.254, and a VPN service whose connection joins 192.168.10.0/24 to
 * 192.168.20.0/24 (peer 198.51.100.2). The namespace port (169.254.1.1/30, MAC ac:ca:ba:43:05:45),
 * the ESP/IKE/NAT-T redirects and the local-to-peer route come from {@link VpnRedirectPlan}, and
 * the namespace port is bound to the plan's host-side veth name.
 *
 * <p>The namespace itself is not simulated: tests play it, injecting frames at {@link #NAMESPACE}
 * and reading what is emitted there.
 */
public final class Seed002Network {
  public static final String ROUTER = "router1";
  public static final String UPLINK = "router1.port0";
  public static final String TENANT = "router1.tenant";
  public static final String NAMESPACE = "router1.port1";
  public static final String BRIDGE = "tenant";
  public static final String VM = "tenant.vm1";
  public static final String BRIDGE_TO_ROUTER = "tenant.router1";

  public static final Ipv4Address PUBLIC_IP = Ipv4Address.parse("201.201.201.1");
  public static final MacAddress UPLINK_MAC = MacAddress.parse("ac:ca:ba:4a:61:c5");
  public static final MacAddress NAMESPACE_PORT_MAC = MacAddress.parse("ac:ca:ba:43:05:45");
  public static final Ipv4Address NAMESPACE_PORT_IP = Ipv4Address.parse("169.254.1.1");
  public static final Ipv4Address NAMESPACE_IP = Ipv4Address.parse("169.254.1.2");
  public static final MacAddress TENANT_MAC = MacAddress.parse("02:00:5e:10:00:01");
  public static final Ipv4Address GATEWAY = Ipv4Address.parse("201.201.201.254");
  public static final MacAddress GATEWAY_MAC = MacAddress.parse("02:00:5e:ff:00:fe");
  public static final Ipv4Address PEER_PUBLIC_IP = Ipv4Address.parse("198.51.100.2");
  public static final Ipv4Address VM_IP = Ipv4Address.parse("192.168.10.5");
  public static final MacAddress VM_MAC = MacAddress.parse("02:00:5e:10:00:05");
  public static final Ipv4Address PEER_HOST_IP = Ipv4Address.parse("192.168.20.5");

  public static final VpnServiceId SERVICE =
      VpnServiceId.parse("c99b23de-a9a1-4d2c-9b1e-0123456789ab");
  public static final PortId NAMESPACE_PORT_ID = new PortId(TestNetwork.uuid("port", NAMESPACE));

  private Seed002Network() {}

  /** The network before the VPN plan is applied. */
  public static TestNetwork withoutVpn() {
    TestNetwork net =
        TestNetwork.builder()
            .router(ROUTER)
            .routerPort(UPLINK, UPLINK_MAC.toString(), "201.201.201.1/24")
            .bind(UPLINK, "eth0")
            .routerPort(TENANT, TENANT_MAC.toString(), "192.168.10.1/24")
            .bridge(BRIDGE)
            .bridgePort(VM)
            .bind(VM, "tap-vm1")
            .bridgePort(BRIDGE_TO_ROUTER)
            .link(BRIDGE_TO_ROUTER, TENANT)
            .route(ROUTER, "0.0.0.0/0", UPLINK, GATEWAY.toString())
            .build();
    Topology t =
        net.topology().toBuilder()
            .put(new VpnService(SERVICE, "vpn0", net.router(ROUTER), PUBLIC_IP, true))
            .put(
                IpsecSiteConnection.builder()
                    .id(new IpsecSiteConnectionId(SERVICE.derive("connection site-b")))
                    .vpnService(SERVICE)
                    .name("site-b")
                    .peerAddress(PEER_PUBLIC_IP)
                    .localCidrs(IpSubnet.parse("192.168.10.0/24"))
                    .peerCidrs(IpSubnet.parse("192.168.20.0/24"))
                    .psk(new SecretRef("site-b-psk"))
                    .build())
            .build();
    return net.withTopology(t);
  }

  /** The plan for the service, with the seed's namespace port id and MAC. */
  public static VpnRedirectPlan plan(Topology topology) {
    return VpnRedirectPlan.request(topology, SERVICE)
        .namespacePort(NAMESPACE_PORT_ID, NAMESPACE_PORT_MAC)
        .compute();
  }

  /** The network with the plan installed and the namespace port bound to its veth. */
  public static TestNetwork build() {
    TestNetwork before = withoutVpn();
    VpnRedirectPlan plan = plan(before.topology());
    Topology installed = before.topology().apply(plan.installChange(before.topology()));
    return before
        .withTopology(installed)
        .name(NAMESPACE, NAMESPACE_PORT_ID)
        .bind(NAMESPACE, plan.namespace().hostInterfaceName());
  }
}
