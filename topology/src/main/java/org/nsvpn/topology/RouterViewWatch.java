package org.nsvpn.topology;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.Port;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.routing.Route;
import org.nsvpn.chainrules.rules.Chain;
import org.nsvpn.chainrules.rules.JumpRule;
import org.nsvpn.chainrules.rules.Rule;

/**
 * Everything under one router; see {@link TopologyStore#watchRouter}. Watches the whole topology
 * subtree with one cache (so events of all kinds keep their order) and after each event recomputes
 * which objects belong to the view: directly (a port, route or VPN service of the router) or
 * through a reference (chains the router uses and their jump targets, connections of its services,
 * hosts its ports are bound to). Chains and hosts are re-evaluated only when a router, port or
 * chain changes, connections when their service changes, so route churn costs O(1) per event.
 */
final class RouterViewWatch extends CacheWatch {
  private final RouterId router;
  private final TopologyListener<Identified> listener;
  private final Map<EntityId, Versioned<Identified>> view = new HashMap<>();
  private volatile Map<EntityId, Versioned<Identified>> published = Map.of();
  private Set<EntityId> derived = Set.of();

  RouterViewWatch(
      CuratorFramework client,
      StorePaths paths,
      RouterId router,
      TopologyListener<Identified> listener,
      Consumer<TopologyWatch> onClose) {
    super(client, paths.topology, onClose);
    this.router = router;
    this.listener = listener;
  }

  @Override
  public Map<EntityId, Versioned<Identified>> current() {
    return published;
  }

  @Override
  void objectChanged(Optional<Versioned<Identified>> before, Versioned<Identified> after) {
    reconcile(after.value());
  }

  @Override
  void objectDeleted(Versioned<Identified> last) {
    reconcile(last.value());
  }

  @Override
  void initializedEvent() {
    listener.onEvent(new TopologyEvent.Initialized<>());
  }

  private void reconcile(Identified changed) {
    boolean referenceHolder =
        changed instanceof Router || changed instanceof Port || changed instanceof Chain;
    Set<EntityId> candidates = new LinkedHashSet<>();
    candidates.add(changed.id());
    if (changed instanceof VpnService) {
      objects().values().stream()
          .filter(
              v ->
                  v.value() instanceof IpsecSiteConnection c && c.vpnService().equals(changed.id()))
          .forEach(v -> candidates.add(v.value().id()));
      view.keySet().stream()
          .filter(
              id ->
                  view.get(id).value() instanceof IpsecSiteConnection c
                      && c.vpnService().equals(changed.id()))
          .forEach(candidates::add);
    }
    if (referenceHolder) {
      Set<EntityId> nowDerived = derivedMembers();
      candidates.addAll(derived);
      candidates.addAll(nowDerived);
      derived = nowDerived;
    }
    for (EntityId id : candidates) {
      Versioned<Identified> current = objects().get(id);
      boolean member = current != null && (isDirectMember(current.value()) || derived.contains(id));
      Versioned<Identified> shown = view.get(id);
      if (member && !current.equals(shown)) {
        view.put(id, current);
        publish();
        listener.onEvent(
            shown == null
                ? new TopologyEvent.Created<>(current)
                : new TopologyEvent.Updated<>(shown, current));
      } else if (!member && shown != null) {
        view.remove(id);
        publish();
        listener.onEvent(new TopologyEvent.Deleted<>(shown));
      }
    }
  }

  private void publish() {
    published = Map.copyOf(view);
  }

  private boolean isDirectMember(Identified o) {
    if (o instanceof Router r) {
      return r.id().equals(router);
    } else if (o instanceof Port p) {
      return p.device().equals(router);
    } else if (o instanceof Route r) {
      return r.router().equals(router);
    } else if (o instanceof VpnService s) {
      return s.router().equals(router);
    } else if (o instanceof IpsecSiteConnection c) {
      Versioned<Identified> service = objects().get(c.vpnService());
      return service != null
          && service.value() instanceof VpnService s
          && s.router().equals(router);
    }
    return false;
  }

  /** Chains, connections and hosts that belong to the view through references. */
  private Set<EntityId> derivedMembers() {
    Set<EntityId> out = new LinkedHashSet<>();
    Deque<ChainId> chains = new ArrayDeque<>();
    for (Versioned<Identified> v : objects().values()) {
      Identified o = v.value();
      if (o instanceof Router r && r.id().equals(router)) {
        r.inboundFilter().ifPresent(chains::add);
        r.outboundFilter().ifPresent(chains::add);
        r.localRedirectChain().ifPresent(chains::add);
      } else if (o instanceof Port p && p.device().equals(router)) {
        p.binding().ifPresent(b -> out.add(b.host()));
      }
    }
    while (!chains.isEmpty()) {
      ChainId id = chains.pop();
      if (!out.add(id)) {
        continue;
      }
      Versioned<Identified> chain = objects().get(id);
      if (chain != null && chain.value() instanceof Chain c) {
        for (Rule rule : c.rules()) {
          if (rule instanceof JumpRule j) {
            chains.push(j.target());
          }
        }
      }
    }
    return out;
  }
}
