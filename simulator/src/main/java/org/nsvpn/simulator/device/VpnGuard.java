package org.nsvpn.simulator.device;

import java.util.ArrayList;
import java.util.List;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;

/**
 * Fail-closed in the router itself: a router never sends traffic from an IPsec site connection's
 * local CIDRs to its peer CIDRs out of the uplink of the connection's VPN service (the port holding
 * its external IP), whatever its routes say. The VPN routes normally send such traffic into the VPN
 * namespace, which encrypts it; this holds also in the moments they are not there yet (a service
 * just created, before its agent wrote them) or no longer (an operator deleted one), when a default
 * route would otherwise carry it out of the uplink in clear.
 */
final class VpnGuard {
  private record Protected(IpSubnet local, IpSubnet peer, PortId uplink) {}

  private final Protected[] pairs;

  private VpnGuard(List<Protected> pairs) {
    this.pairs = pairs.toArray(Protected[]::new);
  }

  /** The guard of {@code router}, or null when it has no IPsec site connection. */
  static VpnGuard of(Topology topology, RouterId router) {
    List<Protected> pairs = new ArrayList<>();
    for (VpnService service : topology.vpnServices(router)) {
      PortId uplink =
          topology.routerPorts(router).stream()
              .filter(p -> p.hasAddress(service.externalIp()))
              .map(RouterPort::id)
              .findFirst()
              .orElse(null);
      if (uplink == null) {
        continue;
      }
      for (IpsecSiteConnection c : topology.connections(service.id())) {
        for (IpSubnet local : c.localCidrs()) {
          for (IpSubnet peer : c.peerCidrs()) {
            pairs.add(new Protected(local, peer, uplink));
          }
        }
      }
    }
    return pairs.isEmpty() ? null : new VpnGuard(pairs);
  }

  /** True when a packet from {@code src} to {@code dst} must not leave by port {@code out}. */
  boolean forbids(IpAddress src, IpAddress dst, PortId out) {
    for (Protected p : pairs) {
      if (p.uplink().equals(out) && p.local().contains(src) && p.peer().contains(dst)) {
        return true;
      }
    }
    return false;
  }
}
