package org.nsvpn.topology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.nsvpn.chainrules.id.BridgeId;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.BridgePort;
import org.nsvpn.chainrules.model.Port;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.TopologyChange;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.routing.Route;
import org.nsvpn.chainrules.rules.Chain;
import org.nsvpn.chainrules.rules.L2TransformRule;
import org.nsvpn.chainrules.rules.Rule;
import org.nsvpn.chainrules.vpn.VpnRedirectPlan;

/**
 * The documented cascade semantics of deletion (docs/architecture.md, "Deleting"): what else goes
 * when an object goes. Pure: computes a {@link TopologyChange} from a snapshot.
 *
 * <ul>
 *   <li><b>router</b>: its ports (each with the port cascade), its routes, its VPN services (each
 *       with the service cascade). Its filter chains stay: chains are shared policy.
 *   <li><b>bridge</b>: its ports, each with the port cascade.
 *   <li><b>port</b>: routes whose next hop it is; l2-transform rules (in any chain) that redirect
 *       to it; the link from its peer (the peer becomes exterior); the VPN services whose external
 *       IP no other port of the router holds (each with the service cascade), since the store
 *       refuses a service without its uplink ({@link StoreRules}). Rules naming it in
 *       in-ports/out-ports are kept (they simply never match it again).
 *   <li><b>vpn-service</b>: its IPsec site connections, and what its redirect plan installed: the
 *       namespace port (with the port cascade) and the local-redirect chain the plan created, once
 *       empty.
 *   <li><b>ipsec-site-connection, route</b>: nothing else.
 *   <li><b>chain, host</b>: no cascade. Deleting one that is still referenced (a router's filter, a
 *       jump, a port binding) is refused naming the referrer.
 * </ul>
 */
public final class Cascade {
  private final Topology topology;
  private final Set<EntityId> deleted = new LinkedHashSet<>();
  private final Map<EntityId, Identified> updated = new LinkedHashMap<>();

  private Cascade(Topology topology) {
    this.topology = topology;
  }

  /** The change that deletes {@code id} and what its deletion cascades to; empty if absent. */
  public static TopologyChange deletion(Topology topology, EntityId id) {
    Cascade c = new Cascade(topology);
    c.delete(id);
    c.updated.keySet().removeAll(c.deleted);
    return new TopologyChange(new ArrayList<>(c.updated.values()), new ArrayList<>(c.deleted));
  }

  private void delete(EntityId id) {
    if (deleted.contains(id) || topology.find(id).isEmpty()) {
      return;
    }
    deleted.add(id);
    if (id instanceof RouterId router) {
      topology.ports(router).forEach(p -> delete(p.id()));
      topology.routes(router).forEach(r -> delete(r.id()));
      topology.vpnServices(router).forEach(s -> delete(s.id()));
    } else if (id instanceof BridgeId bridge) {
      topology.ports(bridge).forEach(p -> delete(p.id()));
    } else if (id instanceof PortId port) {
      deletePort(port);
    } else if (id instanceof VpnServiceId service) {
      topology.connections(service).forEach(c -> delete(c.id()));
      PortId nsPort = VpnRedirectPlan.namespacePortId(service);
      delete(nsPort);
      ChainId owned = VpnRedirectPlan.ownedChainId(service);
      Optional<Chain> chain = current(owned, Chain.class);
      if (chain.isPresent() && chain.get().rules().isEmpty()) {
        topology.vpnServices().stream()
            .filter(s -> s.id().equals(service))
            .findFirst()
            .flatMap(s -> current(s.router(), Router.class))
            .filter(r -> r.localRedirectChain().equals(Optional.of(owned)))
            .ifPresent(r -> updated.put(r.id(), r.withLocalRedirectChain(Optional.empty())));
        deleted.add(owned);
      }
    } else if (id instanceof IpsecSiteConnectionId) {
      // Leaf: the agent's next plan drops the routes of a connection that has gone.
    }
  }

  private void deletePort(PortId port) {
    for (Route route : topology.routes()) {
      if (route.nextHopPort().equals(Optional.of(port))) {
        delete(route.id());
      }
    }
    for (Chain chain : topology.chains()) {
      Chain now = current(chain.id(), Chain.class).orElse(chain);
      List<Rule> kept = new ArrayList<>();
      for (Rule rule : now.rules()) {
        if (!(rule instanceof L2TransformRule l2 && l2.redirect().targetPort().equals(port))) {
          kept.add(rule);
        }
      }
      if (kept.size() != now.rules().size()) {
        updated.put(chain.id(), now.withRules(kept));
      }
    }
    Optional<Port> p = topology.port(port);
    if (p.isPresent() && p.get() instanceof RouterPort rp) {
      for (VpnService service : topology.vpnServices(rp.router())) {
        List<RouterPort> uplinks = StoreRules.uplinks(topology, service);
        if (uplinks.stream().anyMatch(uplink -> uplink.id().equals(port))
            && uplinks.stream().allMatch(uplink -> deleted.contains(uplink.id()))) {
          delete(service.id());
        }
      }
    }
    if (p.isPresent() && p.get().peer().isPresent()) {
      PortId peerId = p.get().peer().get();
      current(peerId, Port.class)
          .ifPresent(
              peer -> {
                Port unlinked =
                    peer instanceof RouterPort rp
                        ? rp.withPeer(Optional.empty())
                        : ((BridgePort) peer).withPeer(Optional.empty());
                updated.put(peerId, unlinked);
              });
    }
  }

  /** The object as updated so far in this cascade, or as in the topology. */
  private <T> Optional<T> current(EntityId id, Class<T> type) {
    Identified o = updated.containsKey(id) ? updated.get(id) : topology.find(id).orElse(null);
    return type.isInstance(o) ? Optional.of(type.cast(o)) : Optional.empty();
  }
}
