package org.nsvpn.strongswan;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.model.Initiator;
import org.nsvpn.strongswan.vici.SerialExecutor;
import org.nsvpn.strongswan.vici.ViciClient;
import org.nsvpn.strongswan.vici.ViciClientOptions;
import org.nsvpn.strongswan.vici.ViciMessageCodec;
import org.nsvpn.strongswan.vici.ViciSection;
import org.nsvpn.strongswan.vici.ViciTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * {@link CharonInstance} on a running charon. Everything that reads or changes the applied
 * configuration or the statuses runs on {@link #executor}, a serial executor that the VICI client
 * also completes its futures on; nothing on it ever blocks.
 */
final class ManagedCharon implements CharonInstance {
  private static final Logger log = LoggerFactory.getLogger(ManagedCharon.class);
  private static final List<String> EVENTS =
      List.of("ike-updown", "child-updown", "ike-rekey", "child-rekey");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What the service lends an instance. */
  record Context(StrongSwanConfig config, Executor blocking, ScheduledExecutorService scheduler) {}

  /** What nsvpn loaded for a connection: the load-conn digest and the keyed PSK digest. */
  private record Applied(ConnectionSpec spec, String configDigest, String keyDigest) {}

  private final String namespace;
  private final InstanceDirectory directory;
  private final ProcessHandle process;
  private final boolean adopted;
  private final Backend backend;
  private final Context context;
  private final SerialExecutor executor;
  private final ViciClient vici;
  private final StatusTracker tracker = new StatusTracker();
  private final List<StatusListener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicReference<InstanceState> state = new AtomicReference<>(InstanceState.RUNNING);
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final byte[] keySalt = new byte[32];
  private final Runnable onFinal;
  private ErrorNotifyClient errorNotify;
  private ScheduledFuture<?> periodicRefresh;
  private CompletableFuture<Void> stopped;

  // Confined to the executor.
  private final Map<IpsecSiteConnectionId, Applied> applied = new LinkedHashMap<>();
  private final Map<IpsecSiteConnectionId, String> peerAddresses = new HashMap<>();
  private boolean reconciled;
  private boolean refreshing;
  private boolean refreshAgain;
  private List<CompletableFuture<Map<IpsecSiteConnectionId, ConnectionStatus>>> refreshWaiters =
      new ArrayList<>();
  private List<CompletableFuture<Map<IpsecSiteConnectionId, ConnectionStatus>>> nextWaiters =
      new ArrayList<>();
  private CompletableFuture<?> lastApply = CompletableFuture.completedFuture(null);

  private ManagedCharon(
      String namespace,
      InstanceDirectory directory,
      ProcessHandle process,
      boolean adopted,
      Backend backend,
      Context context,
      Runnable onFinal) {
    this.namespace = namespace;
    this.directory = directory;
    this.process = process;
    this.adopted = adopted;
    this.backend = backend;
    this.context = context;
    this.onFinal = onFinal;
    this.executor = new SerialExecutor(ViciTransport.callbackPool());
    RANDOM.nextBytes(keySalt);
    this.vici =
        ViciClient.open(
            directory.viciSocket(),
            new ViciClientOptions(
                context.config().requestTimeout(),
                Duration.ofMillis(5),
                Duration.ofMillis(500),
                ViciTransport.eventLoopGroup(),
                executor));
  }

  /**
   * Connects to a charon that was just started or is being adopted, and waits (up to the start
   * timeout) until it answers on VICI, its events are registered and its SAs listed.
   *
   * @throws CharonException when charon exits first or does not answer in time
   */
  static ManagedCharon attach(
      String namespace,
      InstanceDirectory directory,
      ProcessHandle process,
      boolean adopted,
      Backend backend,
      Context context,
      Runnable onFinal) {
    ManagedCharon instance =
        new ManagedCharon(namespace, directory, process, adopted, backend, context, onFinal);
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
    ViciSection version =
        await(vici.request("version", ViciSection.empty()), deadline, "answer on VICI");
    log.info(
        "{} charon {} (pid {}) in namespace {}, {}",
        adopted ? "adopted" : "started",
        version.text("version").orElse("?"),
        process.pid(),
        namespace,
        backend.text());
    errorNotify =
        new ErrorNotifyClient(
            directory.errorNotifySocket(),
            executor,
            Duration.ofMillis(5),
            Duration.ofMillis(500),
            this::notified);
    await(errorNotify.connected(), deadline, "accept an error-notify listener");
    for (String event : EVENTS) {
      await(
          vici.subscribe(event, message -> eventReceived(event, message)),
          deadline,
          "register " + event);
    }
    directory.restrictSockets();
    // Losing VICI is the quick sign of a crash; the exit itself is what confirms it (the socket
    // closes while the process is still being torn down). For a process that is not our child the
    // JDK notices an exit only by polling, so do not wait long for it.
    vici.addStateListener(
        s -> {
          if (s == ViciClient.State.DISCONNECTED && !process.isAlive()) {
            process
                .onExit()
                .thenApply(p -> (Object) p)
                .completeOnTimeout(process, 500, TimeUnit.MILLISECONDS)
                .thenRunAsync(this::processEnded, executor);
          }
        });
    process.onExit().thenRunAsync(this::processEnded, executor);
    if (adopted) {
      ViciSection conns =
          await(vici.request("get-conns", ViciSection.empty()), deadline, "list its connections");
      CompletableFuture<Void> found = new CompletableFuture<>();
      executor.execute(
          () -> {
            ourConnections(conns).forEach(tracker::found);
            found.complete(null);
          });
      await(found, deadline, "track its connections");
    }
    await(refresh(), deadline, "list its SAs");
    long interval = context.config().refreshInterval().toNanos();
    periodicRefresh =
        context
            .scheduler()
            .scheduleWithFixedDelay(
                () -> executor.execute(this::requestRefresh),
                interval,
                interval,
                TimeUnit.NANOSECONDS);
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
                + exitStatus()
                + " before it could "
                + what
                + "; end of its log:\n"
                + directory.logTail(15));
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
              + directory.logTail(15));
    } catch (ExecutionException e) {
      throw new CharonException(
          "charon in namespace " + namespace + " did not " + what + ": " + e.getCause(),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CharonException("interrupted waiting for charon in namespace " + namespace, e);
    }
  }

  private String exitStatus() {
    // Known for charons this process spawned (also when adopted by a later handle).
    return CharonLauncher.exitStatus(process.pid()).map(s -> " with " + s).orElse("");
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
    return adopted;
  }

  @Override
  public Backend backend() {
    return backend;
  }

  @Override
  public Path directory() {
    return directory.path();
  }

  @Override
  public InstanceState state() {
    return state.get();
  }

  @Override
  public ViciClient vici() {
    return vici;
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
          byte[] key = keys.presharedKey(spec.connection().psk());
          if (key == null || key.length == 0) {
            throw new InvalidValueException(
                "psk", spec.connection().psk().name(), "the secret store returned no key");
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
    CompletableFuture<Set<IpsecSiteConnectionId>> present =
        reconciled
            ? CompletableFuture.completedFuture(new HashSet<>(applied.keySet()))
            : vici.request("get-conns", ViciSection.empty())
                .thenApply(ManagedCharon::ourConnections);
    return present.thenCompose(loaded -> sendChanges(desired, configs, psks, loaded));
  }

  private static Set<IpsecSiteConnectionId> ourConnections(ViciSection response) {
    Set<IpsecSiteConnectionId> out = new HashSet<>();
    for (String name : response.texts("conns")) {
      ConnectionMapping.connectionId(name).ifPresent(out::add);
    }
    return out;
  }

  private CompletableFuture<ApplyResult> sendChanges(
      Map<IpsecSiteConnectionId, ConnectionSpec> desired,
      Map<IpsecSiteConnectionId, ViciSection> configs,
      Map<IpsecSiteConnectionId, byte[]> psks,
      Set<IpsecSiteConnectionId> loaded) {
    reconciled = true;
    List<IpsecSiteConnectionId> loadedNow = new ArrayList<>();
    List<IpsecSiteConnectionId> unloaded = new ArrayList<>();
    List<IpsecSiteConnectionId> unchanged = new ArrayList<>();
    List<IpsecSiteConnectionId> keysReloaded = new ArrayList<>();
    Map<IpsecSiteConnectionId, String> failed = new LinkedHashMap<>();
    List<CompletableFuture<Void>> sent = new ArrayList<>();

    Set<IpsecSiteConnectionId> remove = new HashSet<>(loaded);
    remove.addAll(applied.keySet());
    remove.removeAll(configs.keySet());
    for (IpsecSiteConnectionId id : remove) {
      String name = ConnectionMapping.charonName(id);
      sent.add(
          vici.request("unload-conn", ViciSection.builder().put("name", name).build())
              .thenAccept(r -> r.requireSuccess("unload-conn " + name))
              .handle(
                  (ok, failure) -> {
                    if (failure != null && loaded.contains(id)) {
                      failed.put(id, failure.getMessage());
                    } else {
                      unloaded.add(id);
                      applied.remove(id);
                    }
                    return null;
                  }));
      // Unloading a key that is not loaded fails harmlessly; the result does not matter.
      sent.add(
          vici.request("unload-shared", ViciSection.builder().put("id", name).build())
              .handle((r, failure) -> null));
    }

    for (Map.Entry<IpsecSiteConnectionId, ViciSection> entry : configs.entrySet()) {
      IpsecSiteConnectionId id = entry.getKey();
      ConnectionSpec spec = desired.get(id);
      String configDigest = digest(entry.getValue());
      byte[] psk = psks.get(id);
      String keyDigest = keyDigest(psk);
      Applied before = applied.get(id);
      boolean sendKey = before == null || !before.keyDigest().equals(keyDigest);
      boolean sendConfig = before == null || !before.configDigest().equals(configDigest);
      String name = ConnectionMapping.charonName(id);
      // Track before sending: charon may report a failure of the attempt before the reply.
      tracker.configured(spec, false);
      peerAddresses.put(id, spec.connection().peerAddress().toString());
      if (sendKey || sendConfig) {
        tracker.clearError(id);
      }
      CompletableFuture<Void> step = CompletableFuture.completedFuture(null);
      if (sendKey) {
        ViciSection shared = ConnectionMapping.loadShared(spec, psk);
        step =
            vici.request("load-shared", shared)
                .thenAccept(r -> r.requireSuccess("load-shared " + name))
                .thenRun(() -> keysReloaded.add(id));
      }
      Arrays.fill(psk, (byte) 0);
      if (sendConfig) {
        ViciSection config = entry.getValue();
        step =
            step.thenCompose(
                    v ->
                        vici.request("load-conn", config)
                            .thenAccept(r -> r.requireSuccess("load-conn " + name)))
                .thenRun(() -> loadedNow.add(id));
      } else {
        unchanged.add(id);
      }
      sent.add(
          step.handle(
              (ok, failure) -> {
                if (failure != null) {
                  Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                  failed.put(id, cause.getMessage());
                  tracker.configured(spec, false);
                  tracker.error(
                      id,
                      new ConnectionError(
                          FailureKind.CONFIGURATION_REJECTED, cause.getMessage(), Instant.now()));
                  applied.remove(id);
                } else {
                  applied.put(id, new Applied(spec, configDigest, keyDigest));
                }
                return null;
              }));
    }
    return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
        .thenCompose(v -> listSas())
        .thenCompose(
            v -> {
              for (ConnectionSpec spec : desired.values()) {
                IpsecSiteConnectionId id = spec.id();
                peerAddresses.put(id, spec.connection().peerAddress().toString());
                if (!spec.connection().adminStateUp()) {
                  if (applied.containsKey(id) || loaded.contains(id)) {
                    continue;
                  }
                  tracker.configured(spec, true);
                }
              }
              for (IpsecSiteConnectionId id : unloaded) {
                if (desired.containsKey(id) && !desired.get(id).connection().adminStateUp()) {
                  tracker.configured(desired.get(id), true);
                } else {
                  tracker.removed(id);
                  peerAddresses.remove(id);
                }
              }
              return initiateIdle(desired, failed);
            })
        .thenApply(
            initiated -> {
              publish();
              ApplyResult result =
                  new ApplyResult(loadedNow, unloaded, unchanged, keysReloaded, initiated, failed);
              // A periodic re-apply that changed nothing is not news.
              boolean quiet =
                  loadedNow.isEmpty()
                      && unloaded.isEmpty()
                      && keysReloaded.isEmpty()
                      && initiated.isEmpty()
                      && failed.isEmpty();
              log.atLevel(quiet ? Level.DEBUG : Level.INFO)
                  .log(
                      "namespace {}: loaded {}, unloaded {}, unchanged {}, keys {}, initiated {},"
                          + " failed {}",
                      namespace,
                      loadedNow.size(),
                      unloaded.size(),
                      unchanged.size(),
                      keysReloaded.size(),
                      initiated.size(),
                      failed.keySet());
              return result;
            });
  }

  /** Initiates bi-directional connections that are loaded but have no SA (a failed attempt). */
  private CompletableFuture<List<IpsecSiteConnectionId>> initiateIdle(
      Map<IpsecSiteConnectionId, ConnectionSpec> desired,
      Map<IpsecSiteConnectionId, String> failed) {
    List<IpsecSiteConnectionId> initiated = new ArrayList<>();
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    for (ConnectionSpec spec : desired.values()) {
      IpsecSiteConnectionId id = spec.id();
      if (!spec.connection().adminStateUp()
          || spec.connection().initiator() != Initiator.BI_DIRECTIONAL
          || failed.containsKey(id)
          || !applied.containsKey(id)
          || tracker.hasSa(id)) {
        continue;
      }
      String name = ConnectionMapping.charonName(id);
      tracker.clearError(id);
      initiated.add(id);
      sent.add(
          vici.request(
                  "initiate",
                  ViciSection.builder()
                      .put("ike", name)
                      .put("child", name)
                      .put("timeout", -1)
                      .put("init-limits", false)
                      .build())
              .handle(
                  (r, failure) -> {
                    if (failure != null) {
                      log.warn("initiating {} failed: {}", name, failure.toString());
                    }
                    return null;
                  }));
    }
    return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
        .thenApply(v -> initiated);
  }

  private static String digest(ViciSection config) {
    ByteBuf buffer = Unpooled.buffer();
    try {
      ViciMessageCodec.encodeMessage(config, buffer);
      return sha256(ByteBufUtil.getBytes(buffer));
    } finally {
      buffer.release();
    }
  }

  private String keyDigest(byte[] psk) {
    byte[] salted = new byte[keySalt.length + psk.length];
    System.arraycopy(keySalt, 0, salted, 0, keySalt.length);
    System.arraycopy(psk, 0, salted, keySalt.length, psk.length);
    try {
      return sha256(salted);
    } finally {
      Arrays.fill(salted, (byte) 0);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
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

  /** Starts a list-sas unless one runs; then another one follows it. On the executor. */
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
    listSas()
        .whenComplete(
            (v, failure) -> {
              refreshing = false;
              if (failure == null) {
                publish();
                waiting.forEach(w -> w.complete(tracker.snapshot()));
              } else {
                log.debug("list-sas in namespace {} failed: {}", namespace, failure.toString());
                waiting.forEach(w -> w.completeExceptionally(failure));
              }
              if (refreshAgain) {
                refreshAgain = false;
                refreshWaiters.addAll(nextWaiters);
                nextWaiters = new ArrayList<>();
                requestRefresh();
              }
            });
  }

  private CompletableFuture<Void> listSas() {
    return vici.streamedRequest("list-sas", ViciSection.empty(), "list-sa")
        .thenAccept(
            response -> {
              Instant now = Instant.now();
              List<IkeSaStatus> sas = new ArrayList<>();
              response.events().forEach(event -> sas.addAll(SaParser.parse(event, now)));
              tracker.sasListed(sas);
            });
  }

  private void eventReceived(String event, ViciSection message) {
    // A child SA coming up ends a failure; an IKE SA alone does not (its first child may fail).
    if (event.equals("child-updown") && message.flag("up")) {
      for (String name : message.sections().keySet()) {
        ConnectionMapping.connectionId(name).ifPresent(tracker::clearError);
      }
    }
    log.debug("namespace {}: {} {}", namespace, event, message.sections().keySet());
    requestRefresh();
  }

  private void notified(ErrorNotification notification) {
    Optional<ErrorNotifyType> type = notification.type();
    List<IpsecSiteConnectionId> ids = tracker.connectionsFor(notification, peerAddresses);
    log.info(
        "namespace {}: charon reports {} ({}) for {}",
        namespace,
        type.map(Enum::name).orElse("type " + notification.code()),
        notification.message(),
        ids.isEmpty() ? notification.connectionName() + " " + notification.peerAddress() : ids);
    if (type.isEmpty()) {
      return;
    }
    Instant now = Instant.now();
    for (IpsecSiteConnectionId id : ids) {
      if (type.get() == ErrorNotifyType.RETRANSMIT_CLEARED) {
        tracker.clearError(id, FailureKind.PEER_UNREACHABLE);
      }
      type.get()
          .failure()
          .ifPresent(
              kind -> tracker.error(id, new ConnectionError(kind, notification.message(), now)));
    }
    publish();
    requestRefresh();
  }

  /** Tells listeners what changed. On the executor. */
  private void publish() {
    for (ConnectionStatus status : tracker.publish(Instant.now())) {
      for (StatusListener listener : listeners) {
        try {
          listener.statusChanged(status);
        } catch (RuntimeException e) {
          log.error("status listener failed", e);
        }
      }
    }
  }

  private void tellInstanceState(InstanceState newState, String reason) {
    for (StatusListener listener : listeners) {
      try {
        listener.instanceStateChanged(newState, reason);
      } catch (RuntimeException e) {
        log.error("status listener failed", e);
      }
    }
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /** charon ended. Reported as an error unless this handle stopped it or was closed. */
  private void processEnded() {
    if (stopping.get() || !state.compareAndSet(InstanceState.RUNNING, InstanceState.EXITED)) {
      return;
    }
    String reason = "charon (pid " + process.pid() + ") exited unexpectedly" + exitStatus();
    log.error("namespace {}: {}; end of its log:\n{}", namespace, reason, directory.logTail(10));
    closeConnections();
    directory.removeRuntimeFiles();
    executor.execute(
        () -> {
          tracker.charonExited(
              new ConnectionError(FailureKind.CHARON_EXITED, reason, Instant.now()));
          publish();
          tellInstanceState(InstanceState.EXITED, reason);
        });
    onFinal.run();
  }

  @Override
  public synchronized CompletableFuture<Void> stop() {
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
    stopping.set(true);
    closeConnections();
    log.info("stopping charon (pid {}) in namespace {}", process.pid(), namespace);
    process.destroy();
    Duration timeout = context.config().stopTimeout();
    stopped =
        process
            .onExit()
            .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .exceptionallyCompose(
                failure -> {
                  log.warn(
                      "charon (pid {}) ignored SIGTERM for {}; killing it", process.pid(), timeout);
                  process.destroyForcibly();
                  return process.onExit().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
                })
            .thenRunAsync(
                () -> {
                  CharonLauncher.reap(process.pid());
                  state.set(InstanceState.STOPPED);
                  directory.removeRuntimeFiles();
                  tracker.charonStopped("charon stopped");
                  publish();
                  tellInstanceState(InstanceState.STOPPED, "charon stopped");
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
    log.info(
        "detached from charon (pid {}) in namespace {}; it keeps running",
        process.pid(),
        namespace);
    executor.execute(
        () -> tellInstanceState(InstanceState.CLOSED, "handle closed; charon left running"));
    onFinal.run();
  }

  private void closeConnections() {
    if (periodicRefresh != null) {
      periodicRefresh.cancel(false);
    }
    vici.close();
    if (errorNotify != null) {
      errorNotify.close();
    }
  }

  private void requireRunning() {
    if (state.get() != InstanceState.RUNNING || stopping.get()) {
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
}
