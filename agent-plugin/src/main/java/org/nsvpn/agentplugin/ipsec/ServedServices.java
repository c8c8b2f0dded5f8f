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
 * Which VPN services this host runs. A service with a gateway group runs where the scheduler
 * assigned it (the redirect rules send ESP and IKE to wherever its namespace port is bound, over
 * the overlay if need be). A service without one runs where its router's uplink (the port holding
 * the service's external IP) is bound: ESP and IKE for the external IP arrive there.
 */
final class ServedServices {
  private ServedServices() {}

  static Map<VpnServiceId, VpnService> of(
      Topology topology, Map<VpnServiceId, HostId> assignments, HostId host) {
    Map<VpnServiceId, VpnService> served = new LinkedHashMap<>();
    for (VpnService service : topology.vpnServices()) {
      if (service.gatewayGroup().isPresent()) {
        if (host.equals(assignments.get(service.id()))) {
          served.put(service.id(), service);
        }
      } else if (uplink(topology, service)
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
