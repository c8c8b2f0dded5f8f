package org.nsvpn.agentplugin.ipsec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.VpnService;

/**
 * Which VPN services this host runs: those whose router's uplink (the port holding the service's
 * external IP) is bound to an interface of this host. ESP and IKE for the external IP arrive there,
 * so that is where the namespace must be.
 */
final class ServedServices {
  private ServedServices() {}

  static Map<VpnServiceId, VpnService> of(Topology topology, HostId host) {
    Map<VpnServiceId, VpnService> served = new LinkedHashMap<>();
    for (VpnService service : topology.vpnServices()) {
      if (uplink(topology, service)
          .flatMap(RouterPort::binding)
          .map(b -> b.host().equals(host))
          .orElse(false)) {
        served.put(service.id(), service);
      }
    }
    return served;
  }

  private static Optional<RouterPort> uplink(Topology topology, VpnService service) {
    return topology.routerPorts(service.router()).stream()
        .filter(p -> p.hasAddress(service.externalIp()))
        .findFirst();
  }
}
