package org.nsvpn.ovsdb.ipsec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link IpsecConfigReader} over an {@link OvsdbClient} monitor. */
final class OvsdbConfigReader implements IpsecConfigReader, MonitorListener {
  private static final Logger log = LoggerFactory.getLogger(OvsdbConfigReader.class);
  private static final List<String> TABLES =
      List.of(IpsecSchema.IKE_CONNECTION, IpsecSchema.MANUAL_SP, IpsecSchema.MANUAL_SA);
  private static final Map<String, String> STATUS_COLUMN =
      Map.of(
          IpsecSchema.IKE_CONNECTION, IpsecSchema.IKE_CONN_STATUSES,
          IpsecSchema.MANUAL_SP, IpsecSchema.MANUAL_SP_STATUSES,
          IpsecSchema.MANUAL_SA, IpsecSchema.MANUAL_SA_STATUSES);

  private final OvsdbClient client;
  private final String database;
  private final Consumer<ConfigEvent> listener;
  private final CompletableFuture<Void> started = new CompletableFuture<>();

  private final Object lock = new Object();
  // Guarded by lock; every monitor callback runs on the client's single callback thread.
  private final Map<UUID, RowState> rows = new HashMap<>();
  private Monitor monitor;
  private boolean closed;

  OvsdbConfigReader(OvsdbClient client, String database, Consumer<ConfigEvent> listener) {
    this.client = client;
    this.database = database;
    this.listener = listener;
  }

  @Override
  public CompletableFuture<Void> start() {
    List<MonitorRequest> requests = new ArrayList<>();
    for (String table : TABLES) {
      requests.add(MonitorRequest.columns(table, ConfigRows.COLUMNS.get(table)));
    }
    client
        .monitor(database, requests, this)
        .whenComplete(
            (m, error) -> {
              if (error != null) {
                started.completeExceptionally(error);
                return;
              }
              synchronized (lock) {
                monitor = m;
                if (closed) {
                  m.cancel();
                }
              }
              started.complete(null);
            });
    return started;
  }

  @Override
  public List<IpsecConfig> current() {
    synchronized (lock) {
      List<IpsecConfig> out = new ArrayList<>();
      rows.values().forEach(s -> s.valid.ifPresent(out::add));
      return List.copyOf(out);
    }
  }

  @Override
  public void close() {
    Monitor m;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      m = monitor;
    }
    if (m != null) {
      m.cancel();
    }
    started.completeExceptionally(new OvsdbConnectionException("config reader closed"));
  }

  @Override
  public void onSnapshot(TableUpdates contents, boolean resync) {
    List<ConfigEvent> events = new ArrayList<>();
    synchronized (lock) {
      Set<UUID> seen = new HashSet<>();
      for (String table : TABLES) {
        for (RowUpdate u : contents.table(table)) {
          seen.add(u.uuid());
          process(table, u.uuid(), u.newRow(), events);
        }
      }
      for (UUID gone : new ArrayList<>(rows.keySet())) {
        if (!seen.contains(gone)) {
          process(rows.get(gone).table, gone, Optional.empty(), events);
        }
      }
    }
    if (resync) {
      log.info("IPsec config reader: resynchronised with {}, {} changes", database, events.size());
    }
    deliver(events);
  }

  @Override
  public void onUpdate(TableUpdates updates) {
    List<ConfigEvent> events = new ArrayList<>();
    synchronized (lock) {
      for (String table : TABLES) {
        for (RowUpdate u : updates.table(table)) {
          process(table, u.uuid(), u.newRow(), events);
        }
      }
    }
    deliver(events);
  }

  /** Brings one row's state up to date; records the events and writes status changes. */
  private void process(String table, UUID uuid, Optional<Row> row, List<ConfigEvent> events) {
    RowState before = rows.getOrDefault(uuid, new RowState(table, Optional.empty(), null));
    if (row.isEmpty() || row.get().optionalBool(IpsecSchema.NSVPN_MANAGED).orElse(false)) {
      rows.remove(uuid);
      before.valid.ifPresent(v -> events.add(new ConfigEvent.Removed(v)));
      return;
    }
    IpsecConfig config;
    try {
      config = ConfigRows.parse(table, row.get());
    } catch (InvalidIpsecValueException | IllegalStateException e) {
      String error = e.getMessage();
      before.valid.ifPresent(v -> events.add(new ConfigEvent.Removed(v)));
      if (!error.equals(before.errorWritten)) {
        events.add(new ConfigEvent.Rejected(table, uuid, error));
        writeError(table, uuid, Optional.of(error));
        log.warn("IPsec config reader: {} row {} rejected: {}", table, uuid, error);
      }
      rows.put(uuid, new RowState(table, Optional.empty(), error));
      return;
    }
    if (before.valid.isEmpty()) {
      events.add(new ConfigEvent.Added(config));
    } else if (!before.valid.get().equals(config)) {
      events.add(new ConfigEvent.Changed(before.valid.get(), config));
    }
    if (before.errorWritten != null) {
      writeError(table, uuid, Optional.empty());
    }
    rows.put(uuid, new RowState(table, Optional.of(config), null));
  }

  /**
   * Sets (or, with an empty error, removes) the row's {@code config_error} status key. Map inserts
   * never overwrite a key, so the old value is deleted first, in the same mutate.
   */
  private void writeError(String table, UUID uuid, Optional<String> error) {
    String column = STATUS_COLUMN.get(table);
    List<Mutation> mutations = new ArrayList<>();
    mutations.add(
        Mutation.delete(column, SetValue.ofStrings(List.of(IpsecSchema.CONFIG_ERROR_KEY))));
    error.ifPresent(
        e ->
            mutations.add(
                Mutation.insert(
                    column, MapValue.ofStrings(Map.of(IpsecSchema.CONFIG_ERROR_KEY, e)))));
    client
        .transact(
            database, List.of(Operation.mutate(table, List.of(Condition.uuidIs(uuid)), mutations)))
        .whenComplete(
            (r, e) -> {
              if (e != null) {
                log.warn(
                    "IPsec config reader: cannot write the status of {} row {}: {}",
                    table,
                    uuid,
                    e.getMessage());
              }
            });
  }

  private void deliver(List<ConfigEvent> events) {
    for (ConfigEvent e : events) {
      try {
        listener.accept(e);
      } catch (RuntimeException ex) {
        log.error("IPsec config reader: listener failed on {}", e, ex);
      }
    }
  }

  private record RowState(String table, Optional<IpsecConfig> valid, String errorWritten) {}
}
