package org.nsvpn.strongswan;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.model.AuthMethod;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.chainrules.status.IkeSaStatus;
import org.nsvpn.namespacemanager.process.ExitWatcher;
import org.nsvpn.strongswan.vici.SerialExecutor;
import org.nsvpn.strongswan.vici.ViciClient;
import org.nsvpn.strongswan.vici.ViciClientOptions;
import org.nsvpn.strongswan.vici.ViciSection;
import org.nsvpn.strongswan.vici.ViciSession;
import org.nsvpn.strongswan.vici.ViciTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * {@link CharonInstance} on a running charon: wires the parts together under one concurrency model.
 * The process ({@link CharonProcess}), the applied configuration ({@link ConnectionApplier}), the
 * SAs and statuses ({@link StatusTracker}) and the clean-up of extra SAs ({@link SaHousekeeper})
 * are confined to {@link #executor}, a serial executor that the VICI client also completes its
 * futures on and that error notifications, events and process exits are handed to; nothing on it
 * ever blocks.
 *
 * <p>Status flow: VICI events update the SAs at once and the affected statuses are published at
 * once; error notifications record failures at once; a {@code list-sas} follows each burst of
 * events to confirm them, and runs periodically to refresh counters.
 */
final class ManagedCharon implements CharonInstance {
  private static final Logger log = LoggerFactory.getLogger(ManagedCharon.class);

  /** How long an event waits for error notifications that may explain it, before initiating. */
  private static final Duration EVENT_SETTLE = Duration.ofMillis(300);

  /**
   * What the service lends an instance.
   *
   * @param charons how many charons the service has open now, which paces the periodic listings
   *     ({@link StrongSwanConfig#listingInterval(int)})
   */
  record Context(
      StrongSwanConfig config,
      Executor blocking,
      ScheduledExecutorService scheduler,
      ExitWatcher exits,
      IntSupplier charons) {}

  private final String namespace;
  private final CharonProcess process;
  private final Backend backend;
  private final Context context;
  private final SerialExecutor executor;
  private final ViciClient client;
  private final ViciSession vici;
  private final StatusTracker tracker;
  private final ConnectionApplier applier;
  private final List<StatusListener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicReference<InstanceState> state = new AtomicReference<>(InstanceState.RUNNING);
  private final Runnable onFinal;
  private ErrorNotifyClient errorNotify;
  private volatile ScheduledFuture<?> periodicRefresh;

  /** Set when the connections close: no periodic listing is scheduled after that. */
  private volatile boolean listingsEnded;

  private CompletableFuture<Void> stopped;

  // Confined to the executor.
  private boolean refreshing;
  private boolean refreshAgain;
  private List<CompletableFuture<Map<IpsecSiteConnectionId, ConnectionStatus>>> refreshWaiters =
      new ArrayList<>();
  private List<CompletableFuture<Map<IpsecSiteConnectionId, ConnectionStatus>>> nextWaiters =
      new ArrayList<>();
  private final Set<Long> terminating = new HashSet<>();

  /** IKE SAs seen in DELETING, with when they were first seen so; on the executor. */
  private final Map<Long, Instant> deletingSince = new HashMap<>();

  /**
   * How long an IKE SA may wait for the answer to its DELETE before it is destroyed: charon would
   * retransmit for minutes, but an unanswered DELETE means the peer has destroyed its copy already
   * (it answered, and the answer was lost; or it deleted the SA itself), so no answer will come.
   */
  static final Duration DELETE_PATIENCE = Duration.ofSeconds(5);

  private ScheduledFuture<?> retryTimer;
  private Instant retryTimerAt;
  private CompletableFuture<?> lastApply = CompletableFuture.completedFuture(null);

  private ManagedCharon(
      String namespace, CharonProcess process, Backend backend, Context context, Runnable onFinal) {
    this.namespace = namespace;
    this.process = process;
    this.backend = backend;
    this.context = context;
    this.onFinal = onFinal;
    this.executor = new SerialExecutor(ViciTransport.callbackPool());
    this.client =
        ViciClient.open(
            process.directory().viciSocket(),
            new ViciClientOptions(
                context.config().requestTimeout(),
                Duration.ofMillis(5),
                Duration.ofMillis(500),
                ViciTransport.eventLoopGroup(),
                executor));
    this.vici = new ViciSession(client);
    this.tracker = new StatusTracker(context.config().retryBackoff());
    this.applier = new ConnectionApplier(namespace, vici, tracker);
  }

  /**
   * Connects to a charon that was just started or is being adopted, and waits (up to the start
   * timeout) until it answers on VICI, its events are registered and its SAs listed.
   *
   * @throws CharonException when charon exits first or does not answer in time
   */
  static ManagedCharon attach(
      String namespace, CharonProcess process, Backend backend, Context context, Runnable onFinal) {
    ManagedCharon instance = new ManagedCharon(namespace, process, backend, context, onFinal);
    try {
      instance.initialize();
      return instance;
    } catch (RuntimeException e) {
      instance.state.set(InstanceState.CLOSED);
      instance.closeConnections();
      throw e;
    }
  }

  private void initialize() {
    long deadline = System.nanoTime() + context.config().startTimeout().toNanos();
    String version = await(vici.version(), deadline, "answer on VICI");
    log.info(
        "{} charon {} (pid {}) in namespace {}, {}",
        process.adopted() ? "adopted" : "started",
        version,
        process.pid(),
        namespace,
        backend.text());
    errorNotify =
        new ErrorNotifyClient(
            process.directory().errorNotifySocket(),
            executor,
            Duration.ofMillis(5),
            Duration.ofMillis(500),
            this::notified);
    await(errorNotify.connected(), deadline, "accept an error-notify listener");
    for (ViciSession.Event event : ViciSession.Event.values()) {
      await(
          vici.subscribe(event, message -> eventReceived(event, message)),
          deadline,
          "register " + event.wireName());
    }
    process.directory().restrictSockets();
    process.watch(() -> executor.execute(this::processEnded));
    if (process.adopted()) {
      List<String> conns = await(vici.getConns(), deadline, "list its connections");
      CompletableFuture<Void> found = new CompletableFuture<>();
      executor.execute(
          () -> {
            ConnectionApplier.ours(conns).forEach(tracker::found);
            found.complete(null);
          });
      await(found, deadline, "track its connections");
    }
    await(refresh(), deadline, "list its SAs");
    schedulePeriodicRefresh();
  }

  /**
   * Lists the SAs again after {@link StrongSwanConfig#listingInterval(int)}, which grows with the
   * number of charons; then schedules the next listing, with the number of charons then.
   */
  private void schedulePeriodicRefresh() {
    if (listingsEnded || state.get() != InstanceState.RUNNING) {
      return;
    }
    Duration interval = context.config().listingInterval(context.charons().getAsInt());
    periodicRefresh =
        context
            .scheduler()
            .schedule(
                () ->
                    executor.execute(
                        () -> {
                          requestRefresh();
                          schedulePeriodicRefresh();
                        }),
                interval.toNanos(),
                TimeUnit.NANOSECONDS);
    if (listingsEnded) {
      periodicRefresh.cancel(false);
    }
  }

  /** Waits for a start step, failing early when charon exits. Only for the starting thread. */
  private <T> T await(CompletableFuture<T> step, long deadline, String what) {
    CompletableFuture<Object> either = CompletableFuture.anyOf(step, process.onExit());
    try {
      either.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (!step.isDone()) {
        throw new CharonException(
            "charon (pid "
                + process.pid()
                + ") in namespace "
                + namespace
                + " exited"
                + process.exitStatus()
                + " before it could "
                + what
                + "; end of its log:\n"
                + process.logTail(15));
      }
      return step.get();
    } catch (TimeoutException e) {
      throw new CharonException(
          "charon (pid "
              + process.pid()
              + ") in namespace "
              + namespace
              + " did not "
              + what
              + " within "
              + context.config().startTimeout()
              + "; end of its log:\n"
              + process.logTail(15));
    } catch (ExecutionException e) {
      throw new CharonException(
          "charon in namespace " + namespace + " did not " + what + ": " + e.getCause(),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CharonException("interrupted waiting for charon in namespace " + namespace, e);
    }
  }

  @Override
  public String namespace() {
    return namespace;
  }

  @Override
  public long pid() {
    return process.pid();
  }

  @Override
  public boolean adopted() {
    return process.adopted();
  }

  @Override
  public Backend backend() {
    return backend;
  }

  @Override
  public Path directory() {
    return process.directory().path();
  }

  @Override
  public Path viciSocket() {
    return process.directory().viciSocket();
  }

  @Override
  public InstanceState state() {
    return state.get();
  }

  @Override
  public ViciClient vici() {
    return client;
  }

  @Override
  public Map<IpsecSiteConnectionId, ConnectionStatus> status() {
    return tracker.snapshot();
  }

  @Override
  public void addListener(StatusListener listener) {
    listeners.add(listener);
  }

  @Override
  public void removeListener(StatusListener listener) {
    listeners.remove(listener);
  }

  // ---- apply ----------------------------------------------------------------------------------

  @Override
  public CompletableFuture<ApplyResult> apply(
      List<ConnectionSpec> connections, PresharedKeys keys) {
    requireRunning();
    Map<IpsecSiteConnectionId, ConnectionSpec> desired = new LinkedHashMap<>();
    Map<IpsecSiteConnectionId, ViciSection> configs = new HashMap<>();
    for (ConnectionSpec spec : connections) {
      if (desired.putIfAbsent(spec.id(), spec) != null) {
        throw new InvalidValueException(
            "ipsec-site-connection id", spec.id(), "is listed twice in one apply");
      }
      if (spec.connection().adminStateUp()) {
        configs.put(spec.id(), ConnectionMapping.loadConn(spec, backend));
      }
    }
    synchronized (this) {
      CompletableFuture<ApplyResult> result =
          lastApply
              .handle((ignored, failure) -> null)
              .thenComposeAsync(v -> fetchKeys(desired, keys), context.blocking())
              .thenComposeAsync(psks -> applyNow(desired, configs, psks), executor);
      lastApply = result;
      return result;
    }
  }

  private CompletableFuture<Map<IpsecSiteConnectionId, byte[]>> fetchKeys(
      Map<IpsecSiteConnectionId, ConnectionSpec> desired, PresharedKeys keys) {
    Map<IpsecSiteConnectionId, byte[]> out = new HashMap<>();
    try {
      for (ConnectionSpec spec : desired.values()) {
        if (spec.connection().adminStateUp()) {
          byte[] key = keys.presharedKey(spec.connection().secret());
          if (key == null || key.length == 0) {
            throw new InvalidValueException(
                spec.connection().auth() == AuthMethod.CERT ? "private-key" : "psk",
                spec.connection().secret().name(),
                "the secret store returned no key");
          }
          out.put(spec.id(), key);
        }
      }
      return CompletableFuture.completedFuture(out);
    } catch (RuntimeException e) {
      out.values().forEach(k -> Arrays.fill(k, (byte) 0));
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<ApplyResult> applyNow(
      Map<IpsecSiteConnectionId, ConnectionSpec> desired,
      Map<IpsecSiteConnectionId, ViciSection> configs,
      Map<IpsecSiteConnectionId, byte[]> psks) {
    if (state.get() != InstanceState.RUNNING) {
      psks.values().forEach(k -> Arrays.fill(k, (byte) 0));
      return CompletableFuture.failedFuture(notRunning());
    }
    List<ConnectionSpec> enabled =
        desired.values().stream().filter(c -> c.connection().adminStateUp()).toList();
    return retune(Retransmission.forConnections(enabled))
        .thenCompose(v -> applier.apply(desired, configs, psks))
        .thenApply(
            result -> {
              publish();
              scheduleRetry();
              if (!result.initiated().isEmpty()) {
                requestRefresh();
              }
              log.atLevel(result.isQuiet() ? Level.DEBUG : Level.INFO)
                  .log(
                      "namespace {}: loaded {}, unloaded {}, unchanged {}, keys {}, initiated {},"
                          + " failed {}",
                      namespace,
                      result.loaded().size(),
                      result.unloaded().size(),
                      result.unchanged().size(),
                      result.keysReloaded().size(),
                      result.initiated().size(),
                      result.failed().keySet());
              return result;
            });
  }

  /**
   * Rewrites strongswan.conf and has charon reload it when the retransmission schedule the
   * connections need differs from the file's (see {@link Retransmission}).
   */
  private CompletableFuture<Void> retune(Retransmission retransmission) {
    StrongSwanConfig config = context.config();
    String conf =
        CharonConf.render(
            namespace, backend, config.workerThreads(), config.logLevel(), retransmission);
    return CompletableFuture.supplyAsync(
            () -> {
              if (conf.equals(process.directory().readConf())) {
                return false;
              }
              process.directory().writeConf(conf);
              return true;
            },
            context.blocking())
        .thenComposeAsync(
            written -> {
              if (!written) {
                return CompletableFuture.completedFuture(null);
              }
              log.info(
                  "namespace {}: IKE retransmissions now give up after {} ms ({})",
                  namespace,
                  retransmission.total().toMillis(),
                  retransmission);
              return vici.reloadSettings();
            },
            executor);
  }

  // ---- status ---------------------------------------------------------------------------------

  @Override
  public CompletableFuture<Map<IpsecSiteConnectionId, ConnectionStatus>> refresh() {
    CompletableFuture<Map<IpsecSiteConnectionId, ConnectionStatus>> result =
        new CompletableFuture<>();
    executor.execute(
        () -> {
          if (state.get() != InstanceState.RUNNING) {
            result.completeExceptionally(notRunning());
            return;
          }
          if (refreshing) {
            nextWaiters.add(result);
            refreshAgain = true;
          } else {
            refreshWaiters.add(result);
            requestRefresh();
          }
        });
    return result;
  }

  /**
   * Starts a list-sas unless one runs; then another one follows it. A listing that an event
   * overtook (the event is newer) updates nothing and is repeated. On the executor.
   */
  private void requestRefresh() {
    if (state.get() != InstanceState.RUNNING) {
      return;
    }
    if (refreshing) {
      refreshAgain = true;
      return;
    }
    refreshing = true;
    List<CompletableFuture<Map<IpsecSiteConnectionId, ConnectionStatus>>> waiting = refreshWaiters;
    refreshWaiters = new ArrayList<>();
    long generation = tracker.table().generation();
    vici.listSas()
        .whenComplete(
            (sections, failure) -> {
              refreshing = false;
              if (failure != null) {
                log.debug("list-sas in namespace {} failed: {}", namespace, failure.toString());
                waiting.forEach(w -> w.completeExceptionally(failure));
              } else if (tracker.table().generation() != generation) {
                refreshWaiters.addAll(waiting);
                refreshAgain = true;
              } else {
                Instant now = Instant.now();
                List<SaParser.Listed> sas = new ArrayList<>();
                sections.forEach(s -> sas.addAll(SaParser.parse(s, now)));
                tracker.table().listed(sas);
                publish();
                tellCounters();
                waiting.forEach(w -> w.complete(tracker.snapshot()));
              }
              if (refreshAgain) {
                refreshAgain = false;
                refreshWaiters.addAll(nextWaiters);
                nextWaiters = new ArrayList<>();
                requestRefresh();
              }
            });
  }

  private void eventReceived(ViciSession.Event event, ViciSection message) {
    if (state.get() != InstanceState.RUNNING) {
      return;
    }
    Instant now = Instant.now();
    tracker.gone(tracker.table().apply(event, message, now), now);
    if (log.isDebugEnabled()) {
      log.debug("namespace {}: {} {}", namespace, event.wireName(), describe(message));
    }
    publish();
    scheduleRetry();
    // A connection whose SAs all went without a failure (the peer closed them) is started again,
    // after a moment: the error notification that explains a loss may trail the event.
    context
        .scheduler()
        .schedule(
            () -> executor.execute(this::retryDue), EVENT_SETTLE.toMillis(), TimeUnit.MILLISECONDS);
    requestRefresh();
  }

  private void notified(ErrorNotification notification) {
    Instant now = Instant.now();
    List<IpsecSiteConnectionId> ids = tracker.connectionsFor(notification, applier.peerAddresses());
    log.info(
        "namespace {}: charon reports {} ({}) for {}",
        namespace,
        notification.type().map(Enum::name).orElse("type " + notification.code()),
        notification.message(),
        ids.isEmpty() ? notification.connectionName() + " " + notification.peerAddress() : ids);
    tracker.notified(notification, applier.peerAddresses(), now);
    publish();
    scheduleRetry();
  }

  /** Tells listeners what changed, then tidies up extra SAs. On the executor. */
  private void publish() {
    Instant now = Instant.now();
    for (ConnectionStatus status : tracker.publish(now)) {
      tell(l -> l.statusChanged(status));
    }
    housekeeping(now);
  }

  private void tellCounters() {
    List<ConnectionStatus> all = List.copyOf(tracker.current());
    tell(l -> l.countersRefreshed(all));
  }

  private void tell(Consumer<StatusListener> call) {
    for (StatusListener listener : listeners) {
      try {
        call.accept(listener);
      } catch (RuntimeException e) {
        log.error("status listener failed", e);
      }
    }
  }

  /** Terminates the SAs {@link SaHousekeeper} finds extra. On the executor. */
  private void housekeeping(Instant now) {
    if (state.get() != InstanceState.RUNNING) {
      return;
    }
    Set<Long> known = new HashSet<>();
    for (IpsecSiteConnectionId id : tracker.tracked()) {
      var sas = tracker.sas(id);
      sas.forEach(
          sa -> {
            known.add(sa.uniqueId());
            sa.childSas().forEach(c -> known.add(-c.uniqueId() - 1));
          });
      destroyLongDeleting(sas, id, now);
      SaHousekeeper.Decision decision = SaHousekeeper.decide(sas, tracker.superseded(id), now);
      if (decision.supersededDone()) {
        tracker.supersededDone(id);
      }
      if (tracker.owesReplacement(id)) {
        applier.replace(List.of(id), now);
      }
      for (long ike : decision.ikeSas()) {
        if (terminating.add(ike)) {
          log.info("namespace {}: terminating extra IKE SA #{} of {}", namespace, ike, id);
          applier.terminateIke(ike).thenAccept(done -> retryTermination(done, ike));
        }
      }
      for (long child : decision.childSas()) {
        if (terminating.add(-child - 1)) {
          log.info("namespace {}: terminating extra child SA #{} of {}", namespace, child, id);
          applier.terminateChild(child).thenAccept(done -> retryTermination(done, -child - 1));
        }
      }
    }
    terminating.retainAll(known);
    deletingSince.keySet().retainAll(known);
  }

  /** Destroys IKE SAs that have waited {@link #DELETE_PATIENCE} for their DELETE's answer. */
  private void destroyLongDeleting(List<IkeSaStatus> sas, IpsecSiteConnectionId id, Instant now) {
    for (IkeSaStatus sa : sas) {
      if (!"DELETING".equals(sa.state())) {
        continue;
      }
      Instant since = deletingSince.computeIfAbsent(sa.uniqueId(), k -> now);
      if (Duration.between(since, now).compareTo(DELETE_PATIENCE) >= 0
          && deletingSince.replace(sa.uniqueId(), since, Instant.MAX)) {
        log.info(
            "namespace {}: IKE SA #{} of {} waited {} s for the answer to its DELETE; destroying it",
            namespace,
            sa.uniqueId(),
            id,
            DELETE_PATIENCE.toSeconds());
        applier.destroyIke(sa.uniqueId());
      }
    }
  }

  /** A termination charon refused may be tried again at the next housekeeping. On the executor. */
  private void retryTermination(boolean done, long key) {
    if (!done) {
      terminating.remove(key);
    }
  }

  /** Makes sure a timer runs when the next connection is due for another attempt. */
  private void scheduleRetry() {
    Optional<Instant> next = tracker.nextRetry();
    if (next.isEmpty() || state.get() != InstanceState.RUNNING) {
      return;
    }
    if (retryTimer != null && !retryTimer.isDone() && !retryTimerAt.isAfter(next.get())) {
      return;
    }
    if (retryTimer != null) {
      retryTimer.cancel(false);
    }
    retryTimerAt = next.get();
    long delay = Math.max(0, Duration.between(Instant.now(), next.get()).toMillis());
    retryTimer =
        context
            .scheduler()
            .schedule(() -> executor.execute(this::retryDue), delay + 10, TimeUnit.MILLISECONDS);
  }

  private void retryDue() {
    if (state.get() != InstanceState.RUNNING) {
      return;
    }
    applier
        .initiateDue(Instant.now())
        .whenComplete(
            (initiated, failure) -> {
              if (initiated != null && !initiated.isEmpty()) {
                log.info("namespace {}: initiated {} again after a failure", namespace, initiated);
                requestRefresh();
              }
              publish();
              scheduleRetry();
            });
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /** charon ended. Reported as an error unless this handle stopped it or was closed. */
  private void processEnded() {
    if (process.stopping() || !state.compareAndSet(InstanceState.RUNNING, InstanceState.EXITED)) {
      return;
    }
    String reason = "charon (pid " + process.pid() + ") exited unexpectedly" + process.exitStatus();
    log.error("namespace {}: {}; end of its log:\n{}", namespace, reason, process.logTail(10));
    closeConnections();
    process.directory().removeRuntimeFiles();
    tracker.charonExited(reason);
    publish();
    tell(l -> l.instanceStateChanged(InstanceState.EXITED, reason));
    onFinal.run();
  }

  @Override
  public CompletableFuture<Void> stop() {
    return end(true);
  }

  @Override
  public CompletableFuture<Void> abandon() {
    return end(false);
  }

  private synchronized CompletableFuture<Void> end(boolean graceful) {
    if (stopped != null) {
      return stopped;
    }
    InstanceState current = state.get();
    if (current == InstanceState.CLOSED) {
      return CompletableFuture.failedFuture(notRunning());
    }
    if (current != InstanceState.RUNNING) {
      stopped = CompletableFuture.completedFuture(null);
      return stopped;
    }
    closeConnections();
    stopped =
        process
            .stop(context.config().stopTimeout(), graceful)
            .thenRunAsync(
                () -> {
                  state.set(InstanceState.STOPPED);
                  process.directory().removeRuntimeFiles();
                  tracker.charonStopped("charon stopped");
                  publish();
                  tell(l -> l.instanceStateChanged(InstanceState.STOPPED, "charon stopped"));
                  onFinal.run();
                },
                executor);
    return stopped;
  }

  @Override
  public void close() {
    if (!state.compareAndSet(InstanceState.RUNNING, InstanceState.CLOSED)) {
      return;
    }
    closeConnections();
    process.detach();
    log.info(
        "detached from charon (pid {}) in namespace {}; it keeps running",
        process.pid(),
        namespace);
    executor.execute(
        () ->
            tell(
                l ->
                    l.instanceStateChanged(
                        InstanceState.CLOSED, "handle closed; charon left running")));
    onFinal.run();
  }

  private void closeConnections() {
    process.unwatch();
    listingsEnded = true;
    ScheduledFuture<?> listing = periodicRefresh;
    if (listing != null) {
      listing.cancel(false);
    }
    ScheduledFuture<?> retry = retryTimer;
    if (retry != null) {
      retry.cancel(false);
    }
    client.close();
    if (errorNotify != null) {
      errorNotify.close();
    }
  }

  private void requireRunning() {
    if (state.get() != InstanceState.RUNNING || process.stopping()) {
      throw notRunning();
    }
  }

  private IllegalStateException notRunning() {
    return new IllegalStateException(
        "charon handle for namespace "
            + namespace
            + " is "
            + state.get().name().toLowerCase(java.util.Locale.ROOT));
  }

  @Override
  public String toString() {
    return "charon pid " + process.pid() + " in " + namespace + " (" + state.get() + ")";
  }

  /** One line per event for the debug log: up or down, and each IKE SA's and child SA's id. */
  private static String describe(ViciSection message) {
    StringBuilder out = new StringBuilder(message.flag("up") ? "up" : "down");
    message
        .sections()
        .forEach(
            (config, ike) -> {
              out.append(' ').append(config).append(" ike #");
              out.append(ike.text("uniqueid").orElse("?")).append(' ');
              out.append(ike.text("state").orElse("?"));
              ike.section("child-sas")
                  .ifPresent(
                      children ->
                          children
                              .sections()
                              .values()
                              .forEach(
                                  c ->
                                      out.append(" child #")
                                          .append(c.text("uniqueid").orElse("?"))
                                          .append(' ')
                                          .append(c.text("state").orElse("?"))));
            });
    return out.toString();
  }
}
