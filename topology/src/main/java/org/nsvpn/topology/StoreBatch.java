package org.nsvpn.topology;

/**
 * Transactions checked one after another, each against what the ones before it would leave, and
 * committed together as one ZooKeeper transaction, or not at all: {@code nsvpn-cli -f FILE
 * --atomic}. Each {@link #add} is checked exactly like {@link TopologyStore#commit} (versions,
 * referrers, consistency, the store's rules), so a batch never holds a step the store would refuse,
 * and the objects it creates get the aliases a step-by-step commit would give them. Obtain one with
 * {@link TopologyStore#batch()}; not thread-safe.
 */
public interface StoreBatch {

  /** What the store would hold after the transactions added so far; no I/O. */
  StoreSnapshot snapshot();

  /**
   * Checks {@code transaction} against {@link #snapshot()} and adds it; writes nothing.
   *
   * @return the snapshot that includes it
   * @throws VersionConflictException when an expected version does not match
   * @throws IntegrityException when the result would be inconsistent or break a store rule; the
   *     batch is unchanged then
   */
  StoreSnapshot add(StoreTransaction transaction);

  /**
   * Writes everything added, as one ZooKeeper transaction. If other writers changed the store since
   * the batch started, the transactions are checked again against what they wrote; the batch is
   * refused, with nothing written, when that fails or would give the batch's new objects other
   * aliases than {@link #snapshot()} shows. A batch commits once.
   *
   * @return the snapshot that includes the batch
   * @throws VersionConflictException when the store changed in a way the batch cannot follow
   * @throws IntegrityException when the batch no longer passes the checks
   * @throws TransactionTooLargeException when the batch's writes would not fit in one ZooKeeper
   *     request
   * @throws StoreException when ZooKeeper fails
   */
  StoreSnapshot commit();
}
