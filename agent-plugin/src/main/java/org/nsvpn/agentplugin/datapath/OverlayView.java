package org.nsvpn.agentplugin.datapath;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.model.Host;
import org.nsvpn.chainrules.model.Port;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.topology.TunnelKey;

/**
 * What the overlay needs from one topology snapshot, precomputed so that the per-frame paths only
 * look up maps. Immutable; swapped together with the simulator.
 *
 * @param remotes ports bound on another host that has a tunnel address: where to tunnel their
 *     frames
 * @param ports every port's tunnel key, for received packets
 * @param local ports bound on this host
 * @param senders tunnel addresses of the other hosts: the only sources accepted
 */
record OverlayView(
    Map<PortId, Remote> remotes,
    NavigableMap<TunnelKey, PortId> ports,
    Set<PortId> local,
    Set<InetAddress> senders) {

  /** Where frames leaving by one remote port go. */
  record Remote(TunnelKey key, InetSocketAddress peer) {}

  static OverlayView of(
      HostId self,
      Topology topology,
      NavigableMap<TunnelKey, PortId> tunnelKeys,
      Optional<Underlay> underlay) {
    Map<PortId, TunnelKey> keyOf = new HashMap<>();
    tunnelKeys.forEach((key, port) -> keyOf.put(port, key));
    Map<HostId, InetSocketAddress> peers = new HashMap<>();
    Set<InetAddress> senders = new HashSet<>();
    if (underlay.isPresent()) {
      for (Host h : topology.hosts()) {
        if (!h.id().equals(self) && h.tunnelAddress().isPresent()) {
          InetSocketAddress peer = underlay.get().peer(h.tunnelAddress().get());
          peers.put(h.id(), peer);
          senders.add(peer.getAddress());
        }
      }
    }
    Map<PortId, Remote> remotes = new HashMap<>();
    Set<PortId> local = new HashSet<>();
    for (Port port : topology.ports()) {
      if (port.binding().isEmpty()) {
        continue;
      }
      HostId boundTo = port.binding().get().host();
      if (boundTo.equals(self)) {
        local.add(port.id());
      } else if (peers.containsKey(boundTo) && keyOf.containsKey(port.id())) {
        remotes.put(port.id(), new Remote(keyOf.get(port.id()), peers.get(boundTo)));
      }
    }
    return new OverlayView(Map.copyOf(remotes), tunnelKeys, Set.copyOf(local), Set.copyOf(senders));
  }
}
