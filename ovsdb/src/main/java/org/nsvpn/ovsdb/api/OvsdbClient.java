package org.nsvpn.ovsdb.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An RFC 7047 client on one ovsdb-server endpoint. Create one with {@code
 * org.nsvpn.ovsdb.Ovsdb.client(endpoint, options)}, {@link #start()} it, {@link #close()} it.
 *
 * <p>Every method is thread-safe and asynchronous. Futures, listeners and monitors complete or run
 * on one callback thread per client, in the order the server's messages arrived: a transaction's
 * own monitor update (which ovsdb-server sends before the transact reply) is delivered before the
 * transact future completes. Callbacks must not block that thread.
 *
 * <p>Every future completes or fails within the request timeout. While the client is not {@link
 * ClientState#CONNECTED}, requests fail at once with {@link OvsdbConnectionException}; requests
 * pending when a connection drops fail the same way (they may or may not have been applied).
 * Transactions are never retried by the client. After a reconnection the client re-establishes
 * monitors (each listener gets {@link MonitorListener#onSnapshot} with {@code resync = true}) and
 * re-requests locks.
 */
public interface OvsdbClient extends AutoCloseable {

  /**
   * Starts connecting (and reconnecting with backoff for as long as the client is open). The future
   * completes at the first successful connection and fails only if the client is closed first.
   *
   * @throws IllegalStateException if already started or closed
   */
  CompletableFuture<Void> start();

  /** The current lifecycle state. */
  ClientState state();

  /** Registers a listener for state changes. */
  void addStateListener(StateListener listener);

  /** {@code list_dbs}: the databases the server holds. */
  CompletableFuture<List<String>> listDatabases();

  /** {@code get_schema} of {@code database}. */
  CompletableFuture<DatabaseSchema> schema(String database);

  /**
   * {@code transact}: applies {@code operations} atomically. Fails with {@link
   * OvsdbTransactionException} naming the failed operation when the server refuses any of them.
   */
  CompletableFuture<TransactResult> transact(String database, List<Operation> operations);

  /**
   * {@code monitor}: delivers the tables' contents to {@link MonitorListener#onSnapshot} and then
   * their changes to {@link MonitorListener#onUpdate}. The future completes after the first
   * snapshot was delivered.
   */
  CompletableFuture<Monitor> monitor(
      String database, List<MonitorRequest> requests, MonitorListener listener);

  /**
   * {@code lock}: completes with whether the lock was granted at once; otherwise {@code listener}
   * hears when it is. Re-requested after reconnections.
   */
  CompletableFuture<Boolean> lock(String lock, LockListener listener);

  /** {@code steal}: takes the lock from its holder (who gets {@code stolen}). */
  CompletableFuture<Boolean> steal(String lock, LockListener listener);

  /** {@code unlock}: releases (or stops waiting for) the lock. */
  CompletableFuture<Void> unlock(String lock);

  /** {@code echo}: one round trip to the server. */
  CompletableFuture<Void> echo();

  /**
   * Closes the connection and stops reconnecting; pending requests fail with {@link
   * OvsdbConnectionException}. Idempotent; waits briefly for the client's threads to stop.
   */
  @Override
  void close();
}
