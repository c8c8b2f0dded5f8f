package org.nsvpn.agentplugin.ipsec;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.nsvpn.agentplugin.spi.GatewayPlacement;
import org.nsvpn.agentplugin.spi.PortBinder;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.TopologyChange;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.vpn.VpnNames;
import org.nsvpn.chainrules.vpn.VpnRedirectPlan;
import org.nsvpn.namespacemanager.EnsureResult;
import org.nsvpn.namespacemanager.NamespaceManager;
import org.nsvpn.namespacemanager.netns.NetworkNamespaces;
import org.nsvpn.strongswan.ApplyResult;
import org.nsvpn.strongswan.CharonInstance;
import org.nsvpn.strongswan.ConnectionSpec;
import org.nsvpn.strongswan.InstanceState;
import org.nsvpn.strongswan.StrongSwan;
import org.nsvpn.topology.TopologyStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blocking work behind one router's VPN: realise it, check it, take it down. Every step is
 * idempotent, so the whole sequence can run again at any time and repairs whatever drifted. Runs on
 * the blocking dispatcher, never on an actor's thread; one call at a time per router.
 *
 * <p>Order matters for failing closed. The routes that send local-to-peer cleartext to the
 * namespace port are written first: from that moment such traffic goes to the namespace port, which
 * drops it until the namespace exists and its host-side veth is bound; it never falls back to
 * another route through the uplink. Order matters for speed too: charon is started (and its
 * connections initiated) only once the datapath reads the namespace's veth.
 *
 * <p>Teardown leaves nothing behind: charon stopped, namespace removed, charon's instance directory
 * and the ownership mark deleted, the plan's topology objects removed (their status records go with
 * them in the store).
 */
final class RouterVpnRunner {
  private static final Logger log = LoggerFactory.getLogger(RouterVpnRunner.class);

  private final TopologyStore store;
  private final NetworkNamespaces namespaces;
  private final NamespaceManager namespaceManager;
  private final StrongSwan strongSwan;
  private final PortBinder ports;
  private final GatewayPlacement placement;
  private final OwnedNamespaces owned;
  private final Duration timeout;

  RouterVpnRunner(
      TopologyStore store,
      NetworkNamespaces namespaces,
      NamespaceManager namespaceManager,
      StrongSwan strongSwan,
      PortBinder ports,
      GatewayPlacement placement,
      OwnedNamespaces owned,
      Duration timeout) {
    this.store = store;
    this.namespaces = namespaces;
    this.namespaceManager = namespaceManager;
    this.strongSwan = strongSwan;
    this.ports = ports;
    this.placement = placement;
    this.owned = owned;
    this.timeout = timeout;
  }

  /** The services whose namespaces this agent created (see {@link OwnedNamespaces}). */
  List<VpnServiceId> owned() {
    return owned.list();
  }

  /** What one provisioning run produced. */
  record Provisioned(
      VpnRedirectPlan plan,
      CharonInstance charon,
      List<ConnectionSpec> connections,
      ApplyResult applied,
      EnsureResult namespace,
      boolean topologyChanged) {}

  /**
   * Realises {@code serviceId} on this host (see the class comment for the order), reusing {@code
   * charon} while it runs in the current namespace.
   *
   * @throws org.nsvpn.chainrules.InvalidValueException when the service's configuration cannot be
   *     realised (a configuration error: retrying will not help until the topology changes)
   */
  Provisioned provision(VpnServiceId serviceId, Optional<CharonInstance> charon) throws Exception {
    Topology topology = store.refresh().topology();
    VpnService service =
        topology
            .vpnService(serviceId)
            .orElseThrow(() -> new IllegalStateException("vpn-service " + serviceId + " is gone"));
    VpnRedirectPlan plan = VpnRedirectPlan.request(topology, serviceId).compute();
    List<ConnectionSpec> specs = connectionSpecs(topology, service);

    TopologyChange install = plan.installChange(topology);
    boolean changed = !install.isEmpty();
    if (changed) {
      topology = store.commit(install).topology();
      log.info(
          "vpn-service {}: topology updated ({} writes, {} deletions)",
          service.name(),
          install.upserts().size(),
          install.deletions().size());
    }

    String namespace = plan.namespace().name();
    if (charon.isPresent() && !namespaces.exists(namespace)) {
      // The namespace was deleted behind our back; its charon keeps the old one alive (and the
      // veth with it) until it is gone. Killed, not stopped: its DELETEs would make the peers
      // negotiate anew while the new charon does the same.
      log.warn(
          "vpn-service {}: namespace {} disappeared; replacing charon", service.name(), namespace);
      await(charon.get().abandon());
      charon = Optional.empty();
    }
    owned.mark(serviceId);
    EnsureResult ensured = namespaceManager.ensure(plan.namespace());

    // A scheduled service may be given to another host when this one loses its ZooKeeper session:
    // its port is fenced from then on (before it carries anything).
    if (service.gatewayGroup().isPresent()) {
      placement.guard(serviceId, plan.namespacePort().id());
    }
    // charon initiates once it is loaded: the path to the peers (the namespace port, read by the
    // datapath on the veth as it is now) must exist first, or the first IKE packet is lost and
    // the repair waits for charon's retransmission.
    await(ports.bind(plan.namespacePort().id(), plan.namespace().hostInterfaceName()));

    CharonInstance instance =
        charon.filter(c -> c.state() == InstanceState.RUNNING).isPresent()
            ? charon.get()
            : await(strongSwan.startOrAdopt(namespace));
    ApplyResult applied = await(instance.apply(specs, ref -> store.readSecret(ref)));
    return new Provisioned(plan, instance, specs, applied, ensured, changed);
  }

  /** The connections charon should run: all of the service's, none while the service is down. */
  static List<ConnectionSpec> connectionSpecs(Topology topology, VpnService service) {
    if (!service.adminStateUp()) {
      return List.of();
    }
    return topology.connections(service.id()).stream()
        .map((IpsecSiteConnection c) -> ConnectionSpec.of(service, c))
        .toList();
  }

  /**
   * Takes the service down: charon stopped, namespace removed, the topology objects the plan owns
   * removed (when the plan is known). Idempotent.
   */
  void teardown(
      VpnServiceId serviceId, Optional<VpnRedirectPlan> plan, Optional<CharonInstance> charon)
      throws Exception {
    String namespace = removeLocally(serviceId, charon, CharonInstance::stop);
    if (plan.isPresent()) {
      TopologyChange removal = plan.get().removalChange(store.refresh().topology());
      if (!removal.isEmpty()) {
        store.commit(removal);
      }
    }
    log.info("vpn-service {}: torn down (namespace {})", serviceId, namespace);
  }

  /**
   * Lets go of a service that now runs on another host: charon killed (not stopped: its DELETEs
   * would race the new host's negotiation with the same peers), namespace removed, the namespace
   * port unbound if it is still bound here. The topology objects stay: the new host uses them.
   * Idempotent.
   */
  void relinquish(VpnServiceId serviceId, Optional<CharonInstance> charon) throws Exception {
    String namespace = removeLocally(serviceId, charon, CharonInstance::abandon);
    ports.unbind(VpnRedirectPlan.namespacePortId(serviceId));
    log.info("vpn-service {}: relinquished (namespace {})", serviceId, namespace);
  }

  /**
   * What every way of taking a service down does on this host: charon ended by {@code end} (the
   * running one, or one adopted from a namespace left behind), the namespace and charon's directory
   * removed, the ownership mark and the fence's guard dropped. Returns the namespace.
   */
  private String removeLocally(
      VpnServiceId serviceId,
      Optional<CharonInstance> charon,
      Function<CharonInstance, Future<Void>> end)
      throws Exception {
    String namespace = VpnNames.namespace(serviceId);
    if (charon.isPresent()) {
      await(end.apply(charon.get()));
    } else if (namespaces.exists(namespace)) {
      await(end.apply(await(strongSwan.startOrAdopt(namespace))));
    }
    namespaceManager.remove(namespace);
    strongSwan.purge(namespace);
    owned.unmark(serviceId);
    placement.release(serviceId);
    return namespace;
  }

  private <T> T await(Future<T> future) throws Exception {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new TimeoutException("strongSwan did not answer within " + timeout);
    }
  }
}
