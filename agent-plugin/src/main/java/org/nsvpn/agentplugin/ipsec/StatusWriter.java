package org.nsvpn.agentplugin.ipsec;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.chainrules.status.SaCounters;
import org.nsvpn.topology.StatusStore;
import org.nsvpn.topology.status.ServiceState;
import org.nsvpn.topology.status.VpnServiceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one router actor's statuses go: ZooKeeper, written only on change, and the OVSDB board,
 * always current (the publisher writes OVSDB rows only when they changed, at its own pace).
 *
 * <p>A connection's record is written when its situation changed (state, reason, SAs: at once), or
 * when only its counters changed and the last write is at least {@code countersInterval} old. A
 * service's record is written when its state, reason, namespace or charon changed. Writes block, so
 * they run on the blocking executor, one after another for this router, in order.
 *
 * <p>Confined to the actor's thread (the writes themselves run elsewhere).
 */
final class StatusWriter {
  private static final Logger log = LoggerFactory.getLogger(StatusWriter.class);

  private record Written(ConnectionStatus status, SaCounters counters, Instant at) {}

  private record ServiceRecord(
      ServiceState state,
      Optional<String> reason,
      Optional<String> namespace,
      Optional<Long> pid,
      Optional<String> viciSocket) {}

  private final VpnServiceId service;
  private final HostId host;
  private final StatusStore store;
  private final StatusBoard board;
  private final Executor blocking;
  private final Duration countersInterval;
  private final Map<IpsecSiteConnectionId, Written> written = new HashMap<>();
  private ServiceRecord serviceWritten;
  private CompletableFuture<Void> queue = CompletableFuture.completedFuture(null);
  private long writes;

  StatusWriter(
      VpnServiceId service,
      HostId host,
      StatusStore store,
      StatusBoard board,
      Executor blocking,
      Duration countersInterval) {
    this.service = service;
    this.host = host;
    this.store = store;
    this.board = board;
    this.blocking = blocking;
    this.countersInterval = countersInterval;
  }

  /** Records the service's state; written when it differs from the last record. */
  void service(
      ServiceState state,
      Optional<String> reason,
      Optional<String> namespace,
      Optional<Long> pid,
      Optional<String> viciSocket) {
    board.putService(service, state, namespace.isPresent(), pid);
    ServiceRecord next = new ServiceRecord(state, reason, namespace, pid, viciSocket);
    if (next.equals(serviceWritten)) {
      return;
    }
    serviceWritten = next;
    VpnServiceStatus record =
        new VpnServiceStatus(
            service, host, state, reason, namespace, pid, viciSocket, Instant.now());
    enqueue(() -> store.publish(record));
  }

  /** Records a connection's status (see the class comment for when it is written). */
  void connection(String policyName, ConnectionStatus status) {
    board.put(policyName, status);
    Written last = written.get(status.connection());
    SaCounters counters = status.counters();
    boolean changed = last == null || !status.sameSituationAs(last.status());
    boolean counted =
        last != null
            && !counters.sameCounts(last.counters())
            && !status.observedAt().isBefore(last.at().plus(countersInterval));
    if (!changed && !counted) {
      return;
    }
    written.put(status.connection(), new Written(status, counters, status.observedAt()));
    enqueue(() -> store.publish(host, status));
  }

  /** True when a status of {@code connection} was reported (and not forgotten since). */
  boolean hasReported(IpsecSiteConnectionId connection) {
    return written.containsKey(connection);
  }

  /** Stops writing for a connection that left the service. */
  void forget(IpsecSiteConnectionId connection) {
    written.remove(connection);
    board.remove(connection);
  }

  /** Stops writing for every connection (the service is torn down or let go). */
  void forgetAll() {
    written.keySet().forEach(board::remove);
    written.clear();
    board.removeService(service);
  }

  /** How many records were handed to the store (for tests and metrics). */
  long writes() {
    return writes;
  }

  /** Completes when every write handed over so far is done. */
  CompletableFuture<Void> flushed() {
    return queue;
  }

  private void enqueue(BooleanSupplier write) {
    writes++;
    queue =
        queue.thenRunAsync(
            () -> {
              try {
                if (!write.getAsBoolean()) {
                  log.debug("vpn-service {}: status not written, its object is gone", service);
                }
              } catch (RuntimeException e) {
                log.warn(
                    "vpn-service {}: status not written to ZooKeeper: {}", service, e.getMessage());
              }
            },
            blocking);
  }

  @Override
  public String toString() {
    return "status writer of " + Objects.toString(service);
  }
}
