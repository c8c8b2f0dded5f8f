package org.nsvpn.agentplugin.ipsec;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.vpn.VpnNames;

/**
 * Keeps exactly one {@link RouterVpnActor} per VPN service (one per router) that this host serves
 * (see {@link ServedServices}), and forwards every topology snapshot to them. A service that goes
 * away has its actor tear it down; one that moves to another host has its actor relinquish it
 * (local state only: the topology objects stay for the new host). Nothing is decided before both
 * the first topology and the first gateway assignments have arrived. After the first snapshot it
 * removes orphans: VPN namespaces (and their charons) that an earlier agent with the same run
 * directory created for services that no longer exist here. Namespaces it did not create are never
 * touched.
 */
final class VpnGuardian {

  sealed interface Command {}

  record TopologyChanged(Topology topology) implements Command {}

  /** New gateway assignments (service to host). */
  record AssignmentsChanged(Map<VpnServiceId, HostId> assignments) implements Command {}

  /** A network namespace of this host was removed (by nsvpn or by anyone). */
  record NamespaceRemoved(String namespace) implements Command {}

  /** Stops every router actor, leaving charons running (agent shutdown), then replies. */
  record Shutdown(ActorRef<Done> replyTo) implements Command {}

  private record RouterStopped(VpnServiceId service) implements Command {}

  private record OrphansRemoved(List<String> namespaces, Optional<Throwable> failure)
      implements Command {}

  private final ActorContext<Command> context;
  private final RouterVpnActor.Context shared;
  private final Map<VpnServiceId, ActorRef<RouterVpnActor.Command>> routers = new HashMap<>();
  private final Set<VpnServiceId> stopping = new HashSet<>();
  private boolean orphansChecked;
  private Topology topology;
  private Map<VpnServiceId, HostId> assignments;
  private int spawned;

  private VpnGuardian(ActorContext<Command> context, RouterVpnActor.Context shared) {
    this.context = context;
    this.shared = shared;
  }

  static Behavior<Command> create(RouterVpnActor.Context shared) {
    return Behaviors.setup(context -> new VpnGuardian(context, shared).active());
  }

  private Behavior<Command> active() {
    return Behaviors.receive(Command.class)
        .onMessage(
            TopologyChanged.class,
            m -> {
              topology = m.topology();
              return reconcile(true);
            })
        .onMessage(
            AssignmentsChanged.class,
            m -> {
              assignments = m.assignments();
              return reconcile(false);
            })
        .onMessage(NamespaceRemoved.class, this::onNamespaceRemoved)
        .onMessage(
            RouterStopped.class,
            m -> {
              routers.remove(m.service());
              stopping.remove(m.service());
              // It may be served here again already (moved away and back).
              return reconcile(false);
            })
        .onMessage(
            OrphansRemoved.class,
            m -> {
              if (!m.namespaces().isEmpty()) {
                context.getLog().info("removed orphaned VPN namespaces {}", m.namespaces());
              }
              m.failure()
                  .ifPresent(
                      f -> context.getLog().warn("orphan cleanup incomplete: {}", f.toString()));
              return Behaviors.same();
            })
        .onMessage(Shutdown.class, this::onShutdown)
        .build();
  }

  private Behavior<Command> reconcile(boolean topologyChanged) {
    if (topology == null || assignments == null) {
      return Behaviors.same();
    }
    Map<VpnServiceId, VpnService> served = ServedServices.of(topology, assignments, shared.host());
    for (Map.Entry<VpnServiceId, ActorRef<RouterVpnActor.Command>> e :
        Map.copyOf(routers).entrySet()) {
      if (!served.containsKey(e.getKey()) && stopping.add(e.getKey())) {
        if (topology.vpnService(e.getKey()).isPresent()) {
          context
              .getLog()
              .info("vpn-service {} now runs on another host; relinquishing it", e.getKey());
          e.getValue().tell(new RouterVpnActor.Relinquish());
        } else {
          context.getLog().info("vpn-service {} was deleted; tearing it down", e.getKey());
          e.getValue().tell(new RouterVpnActor.Teardown());
        }
      }
    }
    for (VpnService service : served.values()) {
      if (!routers.containsKey(service.id())) {
        ActorRef<RouterVpnActor.Command> router =
            context.spawn(
                RouterVpnActor.create(shared, service.id(), topology),
                "router-" + service.router() + "-" + (spawned++));
        context.watchWith(router, new RouterStopped(service.id()));
        routers.put(service.id(), router);
        context
            .getLog()
            .info("vpn-service {} of router {}: starting", service.name(), service.router());
      }
    }
    if (topologyChanged) {
      routers.forEach(
          (id, ref) -> {
            if (!stopping.contains(id)) {
              ref.tell(new RouterVpnActor.TopologyChanged(topology));
            }
          });
    }
    if (!orphansChecked) {
      orphansChecked = true;
      shared.board().complete();
      removeOrphans(served.keySet());
    }
    return Behaviors.same();
  }

  /** Tells the router actor whose namespace it was; one tearing down ignores it. */
  private Behavior<Command> onNamespaceRemoved(NamespaceRemoved removed) {
    routers.forEach(
        (id, ref) -> {
          if (!stopping.contains(id) && VpnNames.namespace(id).equals(removed.namespace())) {
            ref.tell(new RouterVpnActor.NamespaceRemoved());
          }
        });
    return Behaviors.same();
  }

  private void removeOrphans(Set<VpnServiceId> served) {
    context.pipeToSelf(
        CompletableFuture.supplyAsync(
            () -> {
              List<String> removed = new java.util.ArrayList<>();
              for (VpnServiceId id : shared.runner().owned()) {
                if (served.contains(id)) {
                  continue;
                }
                try {
                  shared.runner().teardown(id, Optional.empty(), Optional.empty());
                } catch (Exception e) {
                  throw new java.util.concurrent.CompletionException(e);
                }
                removed.add(VpnNames.namespace(id));
              }
              return removed;
            },
            shared.blocking()),
        (removed, failure) ->
            new OrphansRemoved(
                removed == null ? List.of() : removed, Optional.ofNullable(failure)));
  }

  private Behavior<Command> onShutdown(Shutdown shutdown) {
    if (routers.isEmpty()) {
      shutdown.replyTo().tell(Done.getInstance());
      return Behaviors.stopped();
    }
    routers.values().forEach(r -> r.tell(new RouterVpnActor.Detach()));
    return Behaviors.receive(Command.class)
        .onMessage(
            RouterStopped.class,
            m -> {
              routers.remove(m.service());
              if (routers.isEmpty()) {
                shutdown.replyTo().tell(Done.getInstance());
                return Behaviors.stopped();
              }
              return Behaviors.same();
            })
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }
}
