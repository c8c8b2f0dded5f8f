package org.nsvpn.ovsdb.ipsec;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.nsvpn.ovsdb.api.OvsdbClient;

/**
 * Watches the operator-configured rows of {@code Ipsec_Ike_Connection}, {@code ipsec_manual_sp} and
 * {@code ipsec_manual_sa} (the ops-ipsecd path: host-local IPsec configured through OVSDB) and
 * reports typed, validated {@link ConfigEvent}s. Rows the publisher manages ({@code nsvpn_managed})
 * are not configuration and are ignored.
 *
 * <p>An invalid row never stops the reader: it is reported as {@link ConfigEvent.Rejected}, and the
 * error is written into that row's status map under {@code config_error} (replacing an older
 * error); when the row is fixed the key is removed again. After a reconnection the reader compares
 * the resynchronised tables with what it had reported and emits the differences, so listeners see a
 * consistent stream. Events are delivered in order on the OVSDB client's callback thread; the
 * listener must not block.
 */
public interface IpsecConfigReader extends AutoCloseable {

  /** A reader of {@code database} on {@code client}, which the caller starts and closes. */
  static IpsecConfigReader create(
      OvsdbClient client, String database, Consumer<ConfigEvent> listener) {
    return new OvsdbConfigReader(client, database, listener);
  }

  /** Sets up the monitor; completes after the initial rows were reported. */
  CompletableFuture<Void> start();

  /** The valid configuration items currently known. */
  List<IpsecConfig> current();

  /** Cancels the monitor. Idempotent; does not close the client. */
  @Override
  void close();
}
