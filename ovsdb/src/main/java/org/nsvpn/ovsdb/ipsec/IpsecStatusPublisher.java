package org.nsvpn.ovsdb.ipsec;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.nsvpn.ovsdb.api.OvsdbClient;

/**
 * Writes IPsec status and counters into the IPsec tables, each refresh as <b>one</b> transaction.
 *
 * <p>What one {@link #publish} does, atomically: upserts one row per connection (by policy name),
 * SA (by SPI, destination, protocol) and policy (by selector), replacing each row's status map (so
 * keys that went away are gone); deletes the rows it manages that the snapshot no longer has (but
 * not the connection rows it retains, see {@link IpsecStatusSnapshot}); adds and removes the IPSEC
 * root row's references in the same transaction (unreferenced rows would be garbage-collected, and
 * deleting a referenced row would fail); creates the IPSEC row if there is none; sets {@code
 * stats_publish_all} to true. Rows an operator configured ({@code nsvpn_managed = false}) get their
 * status map replaced when the snapshot has them and are never deleted.
 *
 * <p>The publisher keeps a monitor on the tables' keys (not the status maps), so a refresh costs
 * one transaction and no reads. A status map is written whole the first time; after that, while the
 * last write is confirmed, only its changed entries travel (delete and insert in one mutate, which
 * leaves the column equal to the new map), and unchanged maps are not sent at all. After a failure
 * or a reconnection (the monitor resyncs) that memory is dropped and the next publish rewrites
 * every map whole. The publisher assumes it is the only writer of those status maps.
 *
 * <p>The refresh interval comes from IPSEC {@code stats_refresh_seconds}, monitored; when it is
 * unset (or there is no IPSEC row yet) the configured default applies.
 */
public interface IpsecStatusPublisher extends AutoCloseable {

  /** A publisher on {@code client}, which the caller starts and closes. */
  static IpsecStatusPublisher create(OvsdbClient client, Options options) {
    return new OvsdbStatusPublisher(client, options);
  }

  /**
   * Checks the server's schema and sets up the monitor. The future completes once the publisher is
   * in sync with the tables. If the client is not connected yet, this waits for it.
   */
  CompletableFuture<Void> start();

  /**
   * Writes {@code snapshot} in one transaction. Publishes are applied in call order. Fails with
   * {@code OvsdbConnectionException} while the publisher is not in sync (not connected, or the
   * monitor has not resynced after a reconnection), and with {@code OvsdbTransactionException} if
   * the server refused the transaction (then nothing was written).
   */
  CompletableFuture<PublishResult> publish(IpsecStatusSnapshot snapshot);

  /**
   * Publishes {@code source.get()} every {@link #refreshInterval()}, following changes of {@code
   * stats_refresh_seconds}; failures are logged and the next refresh tries again.
   *
   * @throws IllegalStateException if periodic publishing already runs or the publisher is closed
   */
  void startPeriodic(Supplier<IpsecStatusSnapshot> source);

  /**
   * Publishes the periodic source's snapshot at once, without waiting for the next refresh (a state
   * change must not wait up to {@code stats_refresh_seconds}); calls while one is pending coalesce,
   * immediate publishes are at least 100 ms apart (a burst of changes is published in a few
   * snapshots, not one per change), and the periodic rhythm is unchanged. Nothing happens before
   * {@link #startPeriodic} or after {@link #close()}.
   */
  void publishSoon();

  /** The refresh interval in force: {@code stats_refresh_seconds} or the default. */
  Duration refreshInterval();

  /** Stops periodic publishing and cancels the monitor; does not close the client. Idempotent. */
  @Override
  void close();

  /**
   * @param database the database holding the IPsec tables
   * @param defaultRefresh refresh interval when {@code stats_refresh_seconds} is unset
   */
  record Options(String database, Duration defaultRefresh) {
    public Options {
      java.util.Objects.requireNonNull(database, "database");
      if (defaultRefresh.isNegative() || defaultRefresh.isZero()) {
        throw new InvalidIpsecValueException("default-refresh", defaultRefresh, "must be positive");
      }
    }

    /** Database {@code IPsec}, 10 s default refresh. */
    public static Options defaults() {
      return new Options(IpsecSchema.DATABASE, Duration.ofSeconds(10));
    }
  }

  /**
   * What one publish did: rows inserted, status maps rewritten, rows left alone because their
   * status had not changed, rows deleted; and the time from call to the server's confirmation.
   */
  record PublishResult(int inserted, int updated, int unchanged, int deleted, Duration elapsed) {}
}
