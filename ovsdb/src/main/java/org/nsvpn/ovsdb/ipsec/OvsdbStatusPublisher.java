package org.nsvpn.ovsdb.ipsec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.nsvpn.ovsdb.api.Atom;
import org.nsvpn.ovsdb.api.ClientState;
import org.nsvpn.ovsdb.api.Condition;
import org.nsvpn.ovsdb.api.MapValue;
import org.nsvpn.ovsdb.api.Monitor;
import org.nsvpn.ovsdb.api.MonitorListener;
import org.nsvpn.ovsdb.api.MonitorRequest;
import org.nsvpn.ovsdb.api.Mutation;
import org.nsvpn.ovsdb.api.Operation;
import org.nsvpn.ovsdb.api.OvsdbClient;
import org.nsvpn.ovsdb.api.OvsdbConnectionException;
import org.nsvpn.ovsdb.api.Row;
import org.nsvpn.ovsdb.api.RowUpdate;
import org.nsvpn.ovsdb.api.SetValue;
import org.nsvpn.ovsdb.api.TableUpdates;
import org.nsvpn.ovsdb.api.TransactResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link IpsecStatusPublisher} over an {@link OvsdbClient}; see the interface for the contract. */
final class OvsdbStatusPublisher implements IpsecStatusPublisher, MonitorListener {
  private static final Logger log = LoggerFactory.getLogger(OvsdbStatusPublisher.class);

  private enum State {
    NEW,
    STARTED,
    CLOSED
  }

  private final OvsdbClient client;
  private final Options options;
  private final CompletableFuture<Void> firstSync = new CompletableFuture<>();

  private final Object lock = new Object();
  // Guarded by lock.
  private State state = State.NEW;
  private boolean synced;
  private boolean monitorRequested;
  private Monitor monitor;
  private Optional<UUID> ipsecRow = Optional.empty();
  private OptionalLong refreshSeconds = OptionalLong.empty();
  private boolean publishAllSet;
  private final StatusTable<String> connections = StatusTable.connections();
  private final StatusTable<SaKey> sas = StatusTable.sas();
  private final StatusTable<SpSelector> sps = StatusTable.sps();
  private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);
  private ScheduledExecutorService scheduler;
  private ScheduledFuture<?> nextTick;
  private Supplier<IpsecStatusSnapshot> periodicSource;
  private boolean soonPending;
  private long lastSoonNanos = System.nanoTime() - SOON_GAP.toNanos();
  private int consecutiveFailures;

  /**
   * The shortest time between two immediate publishes. Each one plans every row (a status map per
   * connection), so while hundreds of charons start and report, back-to-back publishes kept a
   * quarter of the agent's CPU busy (1,000 routers: planning 1,000 rows per event). A state change
   * after a quiet spell is still published at once; a burst is published at most this often.
   */
  static final java.time.Duration SOON_GAP = java.time.Duration.ofMillis(100);

  OvsdbStatusPublisher(OvsdbClient client, Options options) {
    this.client = client;
    this.options = options;
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public CompletableFuture<Void> start() {
    synchronized (lock) {
      if (state != State.NEW) {
        throw new IllegalStateException("publisher is " + state + ", not NEW");
      }
      state = State.STARTED;
    }
    client.addStateListener(
        (from, to) -> {
          if (to != ClientState.CONNECTED) {
            synchronized (lock) {
              synced = false;
            }
          } else {
            requestMonitor();
          }
        });
    requestMonitor();
    return firstSync;
  }

  /** Sets up the monitor once; the client re-establishes it after reconnections by itself. */
  private void requestMonitor() {
    synchronized (lock) {
      if (state != State.STARTED || monitorRequested || client.state() != ClientState.CONNECTED) {
        return;
      }
      monitorRequested = true;
    }
    client
        .schema(options.database())
        .thenCompose(
            schema -> {
              List<String> problems = IpsecSchema.problems(schema);
              if (!problems.isEmpty()) {
                IllegalStateException e =
                    new IllegalStateException(
                        "database "
                            + options.database()
                            + " is not the nsvpn IPsec schema: "
                            + String.join("; ", problems));
                firstSync.completeExceptionally(e);
                throw e;
              }
              return client.monitor(options.database(), monitorRequests(), this);
            })
        .whenComplete(
            (m, error) -> {
              synchronized (lock) {
                if (error != null) {
                  monitorRequested = false; // retried at the next CONNECTED
                  Throwable cause =
                      error instanceof java.util.concurrent.CompletionException
                              && error.getCause() != null
                          ? error.getCause()
                          : error;
                  log.warn(
                      "IPsec publisher: cannot monitor {} (retrying at the next connection): {}",
                      options.database(),
                      cause.getMessage());
                  return;
                }
                monitor = m;
                if (state == State.CLOSED) {
                  m.cancel();
                }
              }
            });
  }

  private List<MonitorRequest> monitorRequests() {
    return List.of(
        MonitorRequest.columns(
            IpsecSchema.IPSEC,
            List.of(IpsecSchema.STATS_REFRESH_SECONDS, IpsecSchema.STATS_PUBLISH_ALL)),
        MonitorRequest.columns(connections.table, connections.monitoredColumns()),
        MonitorRequest.columns(sas.table, sas.monitoredColumns()),
        MonitorRequest.columns(sps.table, sps.monitoredColumns()));
  }

  @Override
  public void close() {
    Monitor m;
    ScheduledExecutorService s;
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
      synced = false;
      m = monitor;
      s = scheduler;
    }
    if (s != null) {
      s.shutdownNow();
    }
    if (m != null) {
      m.cancel();
    }
    firstSync.completeExceptionally(new OvsdbConnectionException("publisher closed"));
  }

  // ---------------------------------------------------------------- monitor

  @Override
  public void onSnapshot(TableUpdates contents, boolean resync) {
    synchronized (lock) {
      ipsecRow = Optional.empty();
      refreshSeconds = OptionalLong.empty();
      publishAllSet = false;
      connections.clear();
      sas.clear();
      sps.clear();
      applyLocked(contents);
      synced = true;
    }
    log.info(
        "IPsec publisher: {} with {} ({} connections, {} SAs, {} SPs)",
        resync ? "resynchronised" : "synchronised",
        options.database(),
        connections.size(),
        sas.size(),
        sps.size());
    firstSync.complete(null);
  }

  @Override
  public void onUpdate(TableUpdates updates) {
    synchronized (lock) {
      applyLocked(updates);
    }
  }

  private void applyLocked(TableUpdates updates) {
    Duration before = intervalLocked();
    for (RowUpdate u : updates.table(IpsecSchema.IPSEC)) {
      if (u.newRow().isEmpty()) {
        ipsecRow = Optional.empty();
        refreshSeconds = OptionalLong.empty();
        publishAllSet = false;
        continue;
      }
      Row row = u.newRow().get();
      ipsecRow = Optional.of(u.uuid());
      refreshSeconds = row.optionalInteger(IpsecSchema.STATS_REFRESH_SECONDS);
      publishAllSet = row.bool(IpsecSchema.STATS_PUBLISH_ALL);
    }
    updates.table(connections.table).forEach(connections::apply);
    updates.table(sas.table).forEach(sas::apply);
    updates.table(sps.table).forEach(sps::apply);
    Duration after = intervalLocked();
    if (!after.equals(before)) {
      log.info("IPsec publisher: refresh interval now {} s", after.toSeconds());
      rescheduleLocked();
    }
  }

  // ---------------------------------------------------------------- publishing

  @Override
  public CompletableFuture<PublishResult> publish(IpsecStatusSnapshot snapshot) {
    synchronized (lock) {
      CompletableFuture<PublishResult> next =
          tail.handle((r, e) -> null).thenCompose(ignored -> publishNow(snapshot));
      tail = next;
      return next.copy();
    }
  }

  private CompletableFuture<PublishResult> publishNow(IpsecStatusSnapshot snapshot) {
    long started = System.nanoTime();
    Plan plan;
    synchronized (lock) {
      if (state == State.CLOSED) {
        return CompletableFuture.failedFuture(new OvsdbConnectionException("publisher closed"));
      }
      if (!synced) {
        return CompletableFuture.failedFuture(
            new OvsdbConnectionException(
                "IPsec publisher not in sync with "
                    + options.database()
                    + " (client "
                    + client.state()
                    + "); publish again once connected"));
      }
      plan = planLocked(snapshot);
    }
    if (plan.operations.isEmpty()) {
      return CompletableFuture.completedFuture(
          new PublishResult(
              0, 0, plan.unchanged, 0, Duration.ofNanos(System.nanoTime() - started)));
    }
    return client
        .transact(options.database(), plan.operations)
        .handle(
            (result, error) -> {
              synchronized (lock) {
                if (error != null) {
                  forgetWrittenLocked();
                } else {
                  confirmLocked(plan, result);
                }
              }
              if (error != null) {
                throw error instanceof RuntimeException re
                    ? re
                    : new java.util.concurrent.CompletionException(error);
              }
              return new PublishResult(
                  plan.inserted,
                  plan.updated,
                  plan.unchanged,
                  plan.deleted,
                  Duration.ofNanos(System.nanoTime() - started));
            });
  }

  private Plan planLocked(IpsecStatusSnapshot snapshot) {
    Plan plan = new Plan();
    Map<String, Set<Atom>> added = new HashMap<>();
    Map<String, Set<Atom>> removed = new HashMap<>();
    planTable(
        plan,
        connections,
        snapshot.connections(),
        IkeConnectionStatusMap::of,
        snapshot::retains,
        added,
        removed);
    planTable(plan, sas, snapshot.sas(), (k, s) -> s.statusMap(), k -> false, added, removed);
    planTable(plan, sps, snapshot.sps(), (k, s) -> s.statusMap(), k -> false, added, removed);

    if (ipsecRow.isEmpty()) {
      Row.Builder root = Row.builder().put(IpsecSchema.STATS_PUBLISH_ALL, true);
      for (String ref :
          List.of(
              IpsecSchema.IKE_CONNECTIONS_REF,
              IpsecSchema.MANUAL_SAS_REF,
              IpsecSchema.MANUAL_SPS_REF)) {
        root.put(ref, SetValue.of(added.getOrDefault(ref, Set.of())));
      }
      plan.operations.add(Operation.insert(IpsecSchema.IPSEC, root.build()));
      plan.operations.add(Operation.comment("nsvpn: IPsec status refresh (new IPSEC row)"));
      return plan;
    }
    List<Condition> root = List.of(Condition.uuidIs(ipsecRow.get()));
    List<Mutation> mutations = new ArrayList<>();
    added.forEach((ref, atoms) -> mutations.add(Mutation.insert(ref, SetValue.of(atoms))));
    removed.forEach((ref, atoms) -> mutations.add(Mutation.delete(ref, SetValue.of(atoms))));
    if (!mutations.isEmpty()) {
      plan.operations.add(Operation.mutate(IpsecSchema.IPSEC, root, mutations));
    }
    if (!publishAllSet) {
      plan.operations.add(
          Operation.update(
              IpsecSchema.IPSEC,
              root,
              Row.builder().put(IpsecSchema.STATS_PUBLISH_ALL, true).build()));
    }
    if (!plan.operations.isEmpty()) {
      plan.operations.add(Operation.comment("nsvpn: IPsec status refresh"));
    }
    return plan;
  }

  private <K, V> void planTable(
      Plan plan,
      StatusTable<K> table,
      Map<K, V> entries,
      java.util.function.BiFunction<K, V, Map<String, String>> statusOf,
      java.util.function.Predicate<K> retained,
      Map<String, Set<Atom>> added,
      Map<String, Set<Atom>> removed) {
    int n = 0;
    // Memoised by value instance: with 1,000 connections, computing every row's status map per
    // publish was a quarter of the agent's CPU while they came up.
    table.plannedFrom.keySet().retainAll(entries.keySet());
    table.plannedStatus.keySet().retainAll(entries.keySet());
    for (Map.Entry<K, V> e : entries.entrySet()) {
      K key = e.getKey();
      Map<String, String> status;
      if (table.plannedFrom.get(key) == e.getValue() && table.plannedStatus.containsKey(key)) {
        status = table.plannedStatus.get(key);
      } else {
        status = statusOf.apply(key, e.getValue());
        table.plannedFrom.put(key, e.getValue());
        table.plannedStatus.put(key, status);
      }
      Optional<UUID> row = ipsecRow.isPresent() ? table.rowOf(key) : Optional.empty();
      if (row.isEmpty()) {
        String name = table.namePrefix + n++;
        Row insert =
            table
                .keyRow(key)
                .put(IpsecSchema.NSVPN_MANAGED, true)
                .put(table.statusColumn, MapValue.ofStrings(status))
                .build();
        plan.operations.add(Operation.insert(table.table, insert, name));
        added
            .computeIfAbsent(table.refColumn, r -> new LinkedHashSet<>())
            .add(Atom.namedUuid(name));
        plan.written.add(new Written<>(table, key, status, -1));
        plan.inserted++;
      } else {
        Map<String, String> previous = table.written.get(key);
        if (status == previous) {
          plan.unchanged++;
          continue;
        }
        if (status.equals(previous)) {
          // The same content, recomputed from a newer status (a counter listing that found nothing
          // new): remembered as written, so that the next publishes compare by identity. At 1,000
          // rows, comparing such maps entry by entry on every publish was 4 % of the agent's CPU.
          table.written.put(key, status);
          plan.unchanged++;
          continue;
        }
        List<Condition> where = List.of(Condition.uuidIs(row.get()));
        if (previous == null) {
          // Nothing confirmed to build on: write the whole column.
          plan.operations.add(
              Operation.update(
                  table.table,
                  where,
                  Row.builder().put(table.statusColumn, MapValue.ofStrings(status)).build()));
        } else {
          plan.operations.add(
              Operation.mutate(
                  table.table, where, replaceEntries(table.statusColumn, previous, status)));
        }
        plan.written.add(new Written<>(table, key, status, plan.operations.size() - 1));
        plan.updated++;
      }
    }
    if (ipsecRow.isEmpty()) {
      return;
    }
    table
        .managedRows()
        .forEach(
            (uuid, key) -> {
              if (key == null || (!entries.containsKey(key) && !retained.test(key))) {
                plan.operations.add(Operation.delete(table.table, List.of(Condition.uuidIs(uuid))));
                removed
                    .computeIfAbsent(table.refColumn, r -> new LinkedHashSet<>())
                    .add(Atom.uuid(uuid));
                plan.deleted++;
              }
            });
  }

  /**
   * Mutations that turn a map known to equal {@code previous} into {@code next}: delete the keys
   * that went away or changed, insert the new and changed entries. Both in one mutate, the delete
   * first, because a map insert never overwrites an existing key. Only the changed entries travel
   * and get parsed, diffed and logged by the server.
   */
  static List<Mutation> replaceEntries(
      String column, Map<String, String> previous, Map<String, String> next) {
    List<String> stale = new ArrayList<>();
    Map<String, String> fresh = new java.util.LinkedHashMap<>();
    previous.forEach(
        (k, v) -> {
          if (!v.equals(next.get(k))) {
            stale.add(k);
          }
        });
    next.forEach(
        (k, v) -> {
          if (!v.equals(previous.get(k))) {
            fresh.put(k, v);
          }
        });
    List<Mutation> mutations = new ArrayList<>(2);
    if (!stale.isEmpty()) {
      mutations.add(Mutation.delete(column, SetValue.ofStrings(stale)));
    }
    if (!fresh.isEmpty()) {
      mutations.add(Mutation.insert(column, MapValue.ofStrings(fresh)));
    }
    return mutations;
  }

  private void confirmLocked(Plan plan, TransactResult result) {
    for (Written<?> w : plan.written) {
      w.confirm(result);
    }
  }

  private void forgetWrittenLocked() {
    connections.written.clear();
    sas.written.clear();
    sps.written.clear();
  }

  /** The operations of one refresh and what they will do. */
  private static final class Plan {
    final List<Operation> operations = new ArrayList<>();
    final List<Written<?>> written = new ArrayList<>();
    int inserted;
    int updated;
    int unchanged;
    int deleted;
  }

  /** A status map sent by operation {@code index} (-1: an insert, which cannot miss). */
  private record Written<K>(StatusTable<K> table, K key, Map<String, String> status, int index) {
    void confirm(TransactResult result) {
      if (index >= 0 && result.count(index) != 1) {
        log.warn(
            "IPsec publisher: row of {} in {} vanished during the refresh; rewriting next time",
            key,
            table.table);
        table.written.remove(key);
        return;
      }
      table.written.put(key, status);
    }
  }

  // ---------------------------------------------------------------- periodic

  @Override
  public Duration refreshInterval() {
    synchronized (lock) {
      return intervalLocked();
    }
  }

  private Duration intervalLocked() {
    return refreshSeconds.isPresent()
        ? Duration.ofSeconds(refreshSeconds.getAsLong())
        : options.defaultRefresh();
  }

  @Override
  public void startPeriodic(Supplier<IpsecStatusSnapshot> source) {
    synchronized (lock) {
      if (state == State.CLOSED || scheduler != null) {
        throw new IllegalStateException(
            state == State.CLOSED ? "publisher is closed" : "periodic publishing already runs");
      }
      periodicSource = source;
      scheduler =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "ipsec-status-publisher");
                t.setDaemon(true);
                return t;
              });
      nextTick = scheduler.schedule(this::tick, 0, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void publishSoon() {
    synchronized (lock) {
      if (state == State.CLOSED || scheduler == null || soonPending) {
        return;
      }
      soonPending = true;
      long wait = lastSoonNanos + SOON_GAP.toNanos() - System.nanoTime();
      if (wait <= 0) {
        scheduler.execute(this::publishNowFromSource);
      } else {
        scheduler.schedule(this::publishNowFromSource, wait, TimeUnit.NANOSECONDS);
      }
    }
  }

  private void publishNowFromSource() {
    Supplier<IpsecStatusSnapshot> source;
    synchronized (lock) {
      soonPending = false;
      lastSoonNanos = System.nanoTime();
      if (state == State.CLOSED) {
        return;
      }
      source = periodicSource;
    }
    try {
      publish(source.get())
          .whenComplete(
              (r, e) -> {
                if (e != null) {
                  log.debug("IPsec publisher: immediate publish failed: {}", e.getMessage());
                }
              });
    } catch (RuntimeException e) {
      log.debug("IPsec publisher: immediate publish failed: {}", e.getMessage());
    }
  }

  private void tick() {
    Supplier<IpsecStatusSnapshot> source;
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
      source = periodicSource;
    }
    CompletableFuture<PublishResult> done;
    try {
      done = publish(source.get());
    } catch (RuntimeException e) {
      done = CompletableFuture.failedFuture(e);
    }
    done.whenComplete(
        (r, e) -> {
          synchronized (lock) {
            if (e != null) {
              consecutiveFailures++;
              if (consecutiveFailures == 1) {
                log.warn("IPsec publisher: refresh failed: {}", e.getMessage());
              } else {
                log.debug("IPsec publisher: refresh failed again: {}", e.getMessage());
              }
            } else {
              if (consecutiveFailures > 0) {
                log.info(
                    "IPsec publisher: refresh works again after {} failures", consecutiveFailures);
              }
              consecutiveFailures = 0;
              log.debug("IPsec publisher: {}", r);
            }
            scheduleLocked(intervalLocked());
          }
        });
  }

  private void scheduleLocked(Duration delay) {
    if (state == State.CLOSED || scheduler == null) {
      return;
    }
    nextTick = scheduler.schedule(this::tick, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The interval changed: the waiting tick is replaced by one at the new interval. */
  private void rescheduleLocked() {
    if (nextTick != null && nextTick.cancel(false)) {
      scheduleLocked(intervalLocked());
    }
  }
}
