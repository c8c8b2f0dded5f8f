package org.nsvpn.topology;

/**
 * A transaction was refused because it would not fit in one ZooKeeper request: ZooKeeper accepts at
 * most {@code jute.maxbuffer} (1 MiB by default) per request and drops the connection of a client
 * that sends more, which the client would see as a connection loss and retry. Nothing was written;
 * split the transaction.
 */
public final class TransactionTooLargeException extends StoreException {
  private static final long serialVersionUID = 1L;

  public TransactionTooLargeException(String message) {
    super(message);
  }
}
