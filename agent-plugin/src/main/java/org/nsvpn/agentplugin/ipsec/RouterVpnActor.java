package org.nsvpn.agentplugin.ipsec;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.chainrules.status.Reason;
import org.nsvpn.chainrules.status.ReasonCode;
import org.nsvpn.chainrules.vpn.VpnRedirectPlan;
import org.nsvpn.strongswan.CharonInstance;
import org.nsvpn.strongswan.ConnectionSpec;
import org.nsvpn.strongswan.InstanceState;
import org.nsvpn.strongswan.StatusListener;
import org.nsvpn.topology.StatusStore;
import org.nsvpn.topology.status.ServiceState;

/**
 * Runs the VPN service of one virtual router on this host, as a small state machine:
 *
 * <pre>
 *   provisioning ──ok──> running ──(topology change, periodic check, charon exit,
 *        │                             namespace removed)──> provisioning
 *        ├──config error──> misconfigured ──(topology change)──> provisioning
 *        └──failure──> backoff ──(timer)──> provisioning
 *   any ──Teardown──> tearingDown ──> stopped        any ──Detach──> stopped (charon keeps running)
 *   any ──Relinquish──> tearingDown (local state only) ──> stopped
 * </pre>
 *
 * <p>All blocking work (ZooKeeper, netlink, charon) runs on the blocking dispatcher through {@link
 * RouterVpnRunner} and comes back as a message; the actor itself never blocks, so a hung charon of
 * one router delays no other router.
 *
 * <p>Status is pushed, not polled: charon's events and error notifications reach the actor as
 * {@link CharonReport}s the moment they happen, the periodic counter listing as {@link
 * CountersReport}s; the actor hands them to its {@link StatusWriter} (ZooKeeper on change, the
 * OVSDB board always). What charon cannot know the actor reports itself, with a reason: the service
 * provisioning, administratively down, misconfigured, its namespace being rebuilt.
 */
final class RouterVpnActor {

  sealed interface Command {}

  /** A new topology snapshot. */
  record TopologyChanged(Topology topology) implements Command {}

  /** The service's namespace was removed from under it (by anyone). */
  record NamespaceRemoved() implements Command {}

  /** The service is gone (or no longer served here): take everything down, then stop. */
  record Teardown() implements Command {}

  /**
   * The service now runs on another host: take down what runs here (charon, namespace, binding),
   * leave the topology objects to the new host, then stop.
   */
  record Relinquish() implements Command {}

  /** The agent is stopping: let go of charon (its tunnels stay up) and stop. */
  record Detach() implements Command {}

  private record Reconcile() implements Command {}

  private record ProvisionDone(RouterVpnRunner.Provisioned result) implements Command {}

  private record ProvisionFailed(Throwable failure) implements Command {}

  private record CharonReport(CharonInstance instance, ConnectionStatus status)
      implements Command {}

  private record CountersReport(CharonInstance instance, Collection<ConnectionStatus> statuses)
      implements Command {}

  private record CharonLeft(CharonInstance instance, InstanceState state, String reason)
      implements Command {}

  private record TeardownDone(Optional<Throwable> failure) implements Command {}

  /**
   * Timings of the state machine.
   *
   * @param reconcileInterval how often the whole service is checked and repaired
   * @param countersInterval the shortest time between two ZooKeeper writes of a connection whose
   *     counters alone changed
   */
  record Settings(
      Duration reconcileInterval,
      Duration countersInterval,
      Duration minBackoff,
      Duration maxBackoff) {
    static final Settings DEFAULT =
        new Settings(
            Duration.ofSeconds(5),
            Duration.ofSeconds(10),
            Duration.ofMillis(500),
            Duration.ofSeconds(30));
  }

  /**
   * What every router actor of the agent shares.
   *
   * @param reconciled told how long each provisioning pass took, successful or not (the reconcile
   *     histogram of {@link ServiceMetrics})
   */
  record Context(
      HostId host,
      RouterVpnRunner runner,
      Executor blocking,
      StatusStore status,
      StatusBoard board,
      Settings settings,
      Consumer<Duration> reconciled) {}

  private static final Object RECONCILE_TIMER = "reconcile";
  private static final Object BACKOFF_TIMER = "backoff";

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Context shared;
  private final VpnServiceId serviceId;
  private final StatusWriter writer;

  private Topology topology;
  private Optional<VpnRedirectPlan> plan = Optional.empty();
  private List<ConnectionSpec> appliedSpecs = List.of();
  private Optional<CharonInstance> charon = Optional.empty();
  private Optional<StatusListener> charonListener = Optional.empty();

  /** OVSDB policy name of each connection of the service, as of the latest topology. */
  private Map<IpsecSiteConnectionId, String> policyNames = Map.of();

  /**
   * While the service's configuration cannot be realised: its connections that charon does not run
   * as configured (new or changed since the last provisioning). They report the configuration
   * error; the others keep reporting what charon does with the last good configuration.
   */
  private Set<IpsecSiteConnectionId> notRealised = Set.of();

  private boolean dirty;
  private boolean teardownRequested;
  private boolean relinquishRequested;
  private int failures;

  private RouterVpnActor(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Context shared,
      VpnServiceId serviceId,
      Topology topology) {
    this.context = context;
    this.timers = timers;
    this.shared = shared;
    this.serviceId = serviceId;
    this.topology = topology;
    this.writer =
        new StatusWriter(
            serviceId,
            shared.host(),
            shared.status(),
            shared.board(),
            shared.blocking(),
            shared.settings().countersInterval());
  }

  static Behavior<Command> create(Context shared, VpnServiceId serviceId, Topology topology) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers ->
                    new RouterVpnActor(context, timers, shared, serviceId, topology).start()));
  }

  private Behavior<Command> start() {
    followConnections();
    shared.board().announce(policyNames);
    publishService(ServiceState.PENDING, Optional.empty());
    timers.startTimerWithFixedDelay(
        RECONCILE_TIMER, new Reconcile(), shared.settings().reconcileInterval());
    return provisioning();
  }

  // ---- states --------------------------------------------------------------------------------

  private Behavior<Command> provisioning() {
    dirty = false;
    Optional<CharonInstance> current = charon;
    if (current.isEmpty()) {
      reportAll(Reason.of(ReasonCode.PROVISIONING), false);
    }
    context.pipeToSelf(
        CompletableFuture.supplyAsync(
            () -> {
              long start = System.nanoTime();
              try {
                return shared.runner().provision(serviceId, current);
              } catch (Exception e) {
                throw new CompletionException(e);
              } finally {
                shared.reconciled().accept(Duration.ofNanos(System.nanoTime() - start));
              }
            },
            shared.blocking()),
        (result, failure) ->
            failure == null ? new ProvisionDone(result) : new ProvisionFailed(unwrap(failure)));
    return Behaviors.receive(Command.class)
        .onMessage(ProvisionDone.class, this::onProvisioned)
        .onMessage(ProvisionFailed.class, this::onProvisionFailed)
        .onMessage(
            TopologyChanged.class,
            m -> {
              topology = m.topology();
              followConnections();
              dirty = true;
              return Behaviors.same();
            })
        .onMessage(
            NamespaceRemoved.class,
            m -> {
              // Removed while a pass runs (a reconcile, a restart): say so now, as running() does;
              // the pass in flight may have seen the old namespace, so another one follows.
              reportNamespaceRemoved();
              dirty = true;
              return Behaviors.same();
            })
        .onMessage(CharonReport.class, this::onCharonReport)
        .onMessage(CountersReport.class, this::onCounters)
        .onMessage(CharonLeft.class, m -> Behaviors.same())
        .onMessage(
            Teardown.class,
            m -> {
              teardownRequested = true;
              return Behaviors.same();
            })
        .onMessage(
            Relinquish.class,
            m -> {
              relinquishRequested = true;
              return Behaviors.same();
            })
        .onMessage(Detach.class, m -> detach())
        .onMessage(Reconcile.class, m -> Behaviors.same())
        .build();
  }

  private Behavior<Command> running() {
    return Behaviors.receive(Command.class)
        .onMessage(
            TopologyChanged.class,
            m -> {
              topology = m.topology();
              followConnections();
              return needsProvisioning() ? provisioning() : Behaviors.same();
            })
        .onMessage(NamespaceRemoved.class, m -> onNamespaceRemoved())
        .onMessage(Reconcile.class, m -> provisioning())
        .onMessage(CharonReport.class, this::onCharonReport)
        .onMessage(CountersReport.class, this::onCounters)
        .onMessage(CharonLeft.class, this::onCharonLeft)
        .onMessage(Teardown.class, m -> tearingDown())
        .onMessage(Relinquish.class, m -> relinquishing())
        .onMessage(Detach.class, m -> detach())
        .build();
  }

  /** Waiting for a retry after a failure; the backoff timer is what retries. */
  private Behavior<Command> backoff(Duration delay) {
    timers.startSingleTimer(BACKOFF_TIMER, new Reconcile(), delay);
    return Behaviors.receive(Command.class)
        .onMessage(Reconcile.class, m -> provisioning())
        .onMessage(
            TopologyChanged.class,
            m -> {
              topology = m.topology();
              followConnections();
              return Behaviors.same();
            })
        .onMessage(NamespaceRemoved.class, m -> onNamespaceRemoved())
        .onMessage(CharonReport.class, this::onCharonReport)
        .onMessage(CountersReport.class, this::onCounters)
        .onMessage(CharonLeft.class, m -> Behaviors.same())
        .onMessage(Teardown.class, m -> tearingDown())
        .onMessage(Relinquish.class, m -> relinquishing())
        .onMessage(Detach.class, m -> detach())
        .build();
  }

  /** The configuration cannot be realised; only a change of the topology can help. */
  private Behavior<Command> misconfigured() {
    return Behaviors.receive(Command.class)
        .onMessage(
            TopologyChanged.class,
            m -> {
              topology = m.topology();
              followConnections();
              notRealised = Set.of();
              return provisioning();
            })
        .onMessage(NamespaceRemoved.class, m -> Behaviors.same())
        .onMessage(Reconcile.class, m -> Behaviors.same())
        .onMessage(CharonReport.class, this::onCharonReport)
        .onMessage(CountersReport.class, this::onCounters)
        .onMessage(CharonLeft.class, m -> Behaviors.same())
        .onMessage(Teardown.class, m -> tearingDown())
        .onMessage(Relinquish.class, m -> relinquishing())
        .onMessage(Detach.class, m -> detach())
        .build();
  }

  private Behavior<Command> tearingDown() {
    Optional<VpnRedirectPlan> lastPlan = plan;
    Optional<CharonInstance> current = charon;
    return stopping(() -> shared.runner().teardown(serviceId, lastPlan, current));
  }

  private Behavior<Command> relinquishing() {
    Optional<CharonInstance> current = charon;
    return stopping(() -> shared.runner().relinquish(serviceId, current));
  }

  /** Blocking work that takes the service down here. */
  private interface Takedown {
    void run() throws Exception;
  }

  private Behavior<Command> stopping(Takedown work) {
    timers.cancelAll();
    stopListening();
    context.pipeToSelf(
        CompletableFuture.runAsync(
            () -> {
              try {
                work.run();
              } catch (Exception e) {
                throw new CompletionException(e);
              }
            },
            shared.blocking()),
        (ok, failure) ->
            new TeardownDone(Optional.ofNullable(failure).map(RouterVpnActor::unwrap)));
    return Behaviors.receive(Command.class)
        .onMessage(
            TeardownDone.class,
            m -> {
              m.failure()
                  .ifPresent(
                      f ->
                          context
                              .getLog()
                              .warn(
                                  "vpn-service {}: teardown incomplete: {}",
                                  serviceId,
                                  f.toString()));
              writer.forgetAll();
              return Behaviors.stopped();
            })
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  private Behavior<Command> detach() {
    stopListening();
    charon.ifPresent(CharonInstance::close);
    writer.forgetAll();
    return Behaviors.stopped();
  }

  // ---- transitions -----------------------------------------------------------------------------

  private Behavior<Command> onProvisioned(ProvisionDone done) {
    RouterVpnRunner.Provisioned p = done.result();
    failures = 0;
    plan = Optional.of(p.plan());
    appliedSpecs = p.connections();
    if (charon.map(c -> c != p.charon()).orElse(true)) {
      stopListening();
      charonListener = Optional.of(listenTo(p.charon()));
    }
    charon = Optional.of(p.charon());
    if (p.namespace().changed()
        || p.topologyChanged()
        || !p.applied().loaded().isEmpty()
        || !p.applied().unloaded().isEmpty()) {
      context
          .getLog()
          .info(
              "vpn-service {}: provisioned (namespace changes {}, loaded {}, unloaded {}, charon"
                  + " pid {}{})",
              serviceId,
              p.namespace().changes().size(),
              p.applied().loaded().size(),
              p.applied().unloaded().size(),
              p.charon().pid(),
              p.charon().adopted() ? ", adopted" : "");
    }
    if (!p.applied().failed().isEmpty()) {
      context
          .getLog()
          .warn("vpn-service {}: charon refused connections {}", serviceId, p.applied().failed());
    }
    boolean up = topology.vpnService(serviceId).map(VpnService::adminStateUp).orElse(true);
    publishService(up ? ServiceState.ACTIVE : ServiceState.DOWN, Optional.empty());
    if (!up) {
      reportAll(Reason.of(ReasonCode.ADMIN_DOWN, "the VPN service is administratively down"), true);
    }
    p.charon().status().values().forEach(this::report);
    if (teardownRequested) {
      return tearingDown();
    }
    if (relinquishRequested) {
      return relinquishing();
    }
    return dirty && needsProvisioning() ? provisioning() : running();
  }

  private Behavior<Command> onProvisionFailed(ProvisionFailed failed) {
    Throwable failure = failed.failure();
    if (teardownRequested) {
      return tearingDown();
    }
    if (relinquishRequested) {
      return relinquishing();
    }
    if (failure instanceof InvalidValueException) {
      context
          .getLog()
          .warn("vpn-service {}: cannot be realised: {}", serviceId, failure.getMessage());
      publishService(ServiceState.ERROR, Optional.of(failure.getMessage()));
      notRealised = notRunAsConfigured();
      Reason reason = Reason.of(ReasonCode.CONFIGURATION_INVALID, failure.getMessage());
      Instant now = Instant.now();
      notRealised.forEach(id -> report(ConnectionStatus.notUp(id, reason, List.of(), now)));
      return misconfigured();
    }
    failures++;
    Duration delay = backoffDelay(failures);
    context
        .getLog()
        .warn(
            "vpn-service {}: provisioning failed (attempt {}, retry in {} ms): {}",
            serviceId,
            failures,
            delay.toMillis(),
            failure.toString());
    publishService(ServiceState.ERROR, Optional.of(String.valueOf(failure.getMessage())));
    return backoff(delay);
  }

  private Duration backoffDelay(int attempt) {
    long base = shared.settings().minBackoff().toMillis();
    long max = shared.settings().maxBackoff().toMillis();
    long delay = base << Math.min(attempt - 1, 16);
    return Duration.ofMillis(Math.min(delay, max));
  }

  private Behavior<Command> onCharonLeft(CharonLeft left) {
    if (charon.map(c -> c != left.instance()).orElse(true)) {
      return Behaviors.same();
    }
    context
        .getLog()
        .warn(
            "vpn-service {}: charon {}: {}; restarting it", serviceId, left.state(), left.reason());
    publishService(ServiceState.ERROR, Optional.of("charon " + left.reason()));
    charon = Optional.empty();
    return provisioning();
  }

  private Behavior<Command> onNamespaceRemoved() {
    reportNamespaceRemoved();
    return provisioning();
  }

  /** Says, in the log and the status, that the namespace is gone and is being rebuilt. */
  private void reportNamespaceRemoved() {
    context.getLog().warn("vpn-service {}: its namespace was removed; rebuilding it", serviceId);
    reportAll(Reason.of(ReasonCode.NAMESPACE_REPAIR), true);
    publishService(ServiceState.PENDING, Optional.of("namespace removed; rebuilding it"));
  }

  private Behavior<Command> onCharonReport(CharonReport report) {
    if (charon.map(c -> c == report.instance()).orElse(false)) {
      report(report.status());
    }
    return Behaviors.same();
  }

  private Behavior<Command> onCounters(CountersReport report) {
    if (charon.map(c -> c == report.instance()).orElse(false)) {
      report.statuses().forEach(this::report);
    }
    return Behaviors.same();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** Forwards the instance's reports to this actor. */
  private StatusListener listenTo(CharonInstance instance) {
    var self = context.getSelf();
    StatusListener l =
        new StatusListener() {
          @Override
          public void statusChanged(ConnectionStatus status) {
            self.tell(new CharonReport(instance, status));
          }

          @Override
          public void countersRefreshed(Collection<ConnectionStatus> statuses) {
            self.tell(new CountersReport(instance, statuses));
          }

          @Override
          public void instanceStateChanged(InstanceState state, String reason) {
            if (state == InstanceState.EXITED) {
              self.tell(new CharonLeft(instance, state, reason));
            }
          }
        };
    instance.addListener(l);
    return l;
  }

  private void stopListening() {
    charon.ifPresent(c -> charonListener.ifPresent(c::removeListener));
    charonListener = Optional.empty();
  }

  /** True when {@code topology} asks for something the last provisioning did not do. */
  private boolean needsProvisioning() {
    if (plan.isEmpty()) {
      return true;
    }
    try {
      VpnRedirectPlan next = VpnRedirectPlan.request(topology, serviceId).compute();
      if (!next.equals(plan.get()) || !next.installChange(topology).isEmpty()) {
        return true;
      }
    } catch (InvalidValueException e) {
      return true;
    }
    Optional<VpnService> service = topology.vpnService(serviceId);
    if (service.isEmpty()) {
      return false;
    }
    return !RouterVpnRunner.connectionSpecs(topology, service.get()).equals(appliedSpecs);
  }

  /** Follows the service's connections: new ones get a policy name, removed ones are forgotten. */
  private void followConnections() {
    Map<IpsecSiteConnectionId, String> names = new HashMap<>();
    topology
        .vpnService(serviceId)
        .ifPresent(
            service -> {
              for (IpsecSiteConnection c : topology.connections(serviceId)) {
                names.put(c.id(), StatusBoard.policyName(service, c));
              }
            });
    policyNames.keySet().stream().filter(id -> !names.containsKey(id)).forEach(writer::forget);
    policyNames = Map.copyOf(names);
  }

  /** Reports one connection's status, if the connection is still the service's. */
  /**
   * The service's connections that charon does not run as the topology configures them (all of them
   * when the service has not been provisioned, or its specs cannot be built).
   */
  private Set<IpsecSiteConnectionId> notRunAsConfigured() {
    Optional<VpnService> service = topology.vpnService(serviceId);
    if (service.isEmpty()) {
      return Set.copyOf(policyNames.keySet());
    }
    List<ConnectionSpec> desired;
    try {
      desired = RouterVpnRunner.connectionSpecs(topology, service.get());
    } catch (InvalidValueException e) {
      return Set.copyOf(policyNames.keySet());
    }
    Set<ConnectionSpec> running = charon.isPresent() ? Set.copyOf(appliedSpecs) : Set.of();
    Set<IpsecSiteConnectionId> out = new HashSet<>(policyNames.keySet());
    desired.stream().filter(running::contains).forEach(spec -> out.remove(spec.id()));
    return Set.copyOf(out);
  }

  private void report(ConnectionStatus status) {
    if (notRealised.contains(status.connection())
        && status.reason().map(r -> r.code() != ReasonCode.CONFIGURATION_INVALID).orElse(true)) {
      return;
    }
    String policy = policyNames.get(status.connection());
    if (policy != null) {
      writer.connection(policy, status);
    }
  }

  /**
   * Reports {@code reason} for every connection of the service; with {@code override} false only
   * for connections without any status yet (so that, say, "charon exited" stays the reason while
   * the new charon starts).
   */
  private void reportAll(Reason reason, boolean override) {
    Instant now = Instant.now();
    for (IpsecSiteConnectionId id : policyNames.keySet()) {
      if (override || !writer.hasReported(id)) {
        report(ConnectionStatus.notUp(id, reason, List.of(), now));
      }
    }
  }

  private void publishService(ServiceState state, Optional<String> reason) {
    Optional<CharonInstance> running = charon.filter(c -> c.state() == InstanceState.RUNNING);
    writer.service(
        state,
        reason,
        plan.map(p -> p.namespace().name()),
        running.map(CharonInstance::pid),
        running.map(c -> c.viciSocket().toString()));
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
