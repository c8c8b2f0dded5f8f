package org.nsvpn.chainrules.model;

import java.util.Optional;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.GatewayGroupId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.net.IpAddress;

/**
 * IPsec VPN on a router: its IKE endpoint is {@code externalIp}, an address of one of the router's
 * ports (the uplink). Whether that holds is checked where the router's ports are known, by {@link
 * org.nsvpn.chainrules.vpn.VpnRedirectPlan}.
 *
 * @param gatewayGroup where the service's namespace runs: on the member of this group that the
 *     scheduler assigns, or, when empty, on the host its router's uplink is bound to. The group is
 *     the service's (not the router's) because the service is what moves: the router's other ports
 *     stay bound where they are, and the redirect rules send ESP and IKE to wherever the namespace
 *     port is bound.
 */
public record VpnService(
    VpnServiceId id,
    String name,
    RouterId router,
    IpAddress externalIp,
    boolean adminStateUp,
    Optional<GatewayGroupId> gatewayGroup)
    implements Identified {

  public VpnService {
    Require.nonNull("vpn-service id", id);
    Require.name("vpn-service name", name);
    Require.nonNull("router", router);
    Require.nonNull("external-ip", externalIp);
    Require.nonNull("gateway-group", gatewayGroup);
  }

  /** A service placed by its router's uplink (no gateway group). */
  public VpnService(
      VpnServiceId id, String name, RouterId router, IpAddress externalIp, boolean adminStateUp) {
    this(id, name, router, externalIp, adminStateUp, Optional.empty());
  }

  public VpnService withAdminStateUp(boolean up) {
    return new VpnService(id, name, router, externalIp, up, gatewayGroup);
  }

  public VpnService withGatewayGroup(Optional<GatewayGroupId> group) {
    return new VpnService(id, name, router, externalIp, adminStateUp, group);
  }
}
