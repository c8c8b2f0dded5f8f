package org.nsvpn.chainrules.model;

import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.net.IpAddress;

/**
 * IPsec VPN on a router: its IKE endpoint is {@code externalIp}, an address of one of the router's
 * ports (the uplink). Whether that holds is checked where the router's ports are known, by {@link
 * org.nsvpn.chainrules.vpn.VpnRedirectPlan}.
 */
public record VpnService(
    VpnServiceId id, String name, RouterId router, IpAddress externalIp, boolean adminStateUp)
    implements Identified {

  public VpnService {
    Require.nonNull("vpn-service id", id);
    Require.name("vpn-service name", name);
    Require.nonNull("router", router);
    Require.nonNull("external-ip", externalIp);
  }

  public VpnService withAdminStateUp(boolean up) {
    return new VpnService(id, name, router, externalIp, up);
  }
}
