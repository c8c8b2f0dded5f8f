package org.nsvpn.topology;

import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.model.SecretRef;
import org.nsvpn.chainrules.model.TopologyChange;

/**
 * The topology in ZooKeeper: every chain-rules object as a JSON node under one root (layout in
 * docs/architecture.md), written only through validated, atomic transactions.
 *
 * <p><b>Consistency.</b> Every transaction is checked against the store's content, with {@link
 * org.nsvpn.chainrules.model.Topology#apply} and with the rules every writer must respect because
 * the agent could not realise their breach (one VPN service per router, its external IP on a port
 * of its router, a reachable peer address, a route's gateway on its port's subnet, unique names;
 * see {@link NameScopes} for the names), and committed as one ZooKeeper multi-op that also bumps
 * the transaction sequence node. The multi is conditional on the sequence version the check saw, so
 * concurrent writers are serialised: a writer that lost the race catches up (reading only what
 * changed, from a journal of the last 1000 transactions) and checks again. The store therefore
 * always holds a consistent topology, and no write is ever half done.
 *
 * <p><b>Versions.</b> Each object node's ZooKeeper version is returned in {@link Versioned}; {@link
 * StoreTransaction.Builder#update} and {@link StoreTransaction.Builder#delete(EntityId, int)} make
 * a write conditional on it (optimistic concurrency for read-modify-write).
 *
 * <p><b>Aliases.</b> The store gives every object an alias when it is created ({@code router0},
 * {@code port1} within its device, {@code route3} within its router, {@code rule0} within its
 * chain), kept in the object's node and unique within its scope.
 *
 * <p>Thread-safe. Open with {@link #open}; {@link #close()} stops watches opened through it but not
 * the Curator client, which the caller owns.
 */
public interface TopologyStore extends AutoCloseable {

  /** The default root path. */
  String DEFAULT_ROOT = "/nsvpn";

  /**
   * Opens the store under {@code root}, creating its layout on first use and refusing a store
   * written in a newer schema version. Loads the whole topology into memory.
   *
   * @param client a started Curator client; for secrets, authenticated with {@code credential}
   * @param credential the identity that alone may read and write secrets; without one, secrets can
   *     be neither written nor read through this store
   * @throws SchemaVersionException when the store's schema is newer than this code
   * @throws StoreException when ZooKeeper cannot be reached or the stored data cannot be decoded
   */
  static TopologyStore open(
      CuratorFramework client, String root, Optional<SecretsCredential> credential) {
    return CuratorTopologyStore.open(client, root, credential, false);
  }

  /**
   * Opens the store like {@link #open}, but creates nothing until a commit writes something: a
   * session that only reads, or whose every write is refused, leaves ZooKeeper as it found it. An
   * absent store reads as empty. nsvpn-cli opens the store this way, so that a mistyped {@code
   * --root} and a refused command do not leave a store's skeleton behind. Watches need the layout
   * and create it.
   *
   * @throws SchemaVersionException when an existing store's schema is newer than this code
   * @throws StoreException when ZooKeeper cannot be reached or the stored data cannot be decoded
   */
  static TopologyStore openLazily(
      CuratorFramework client, String root, Optional<SecretsCredential> credential) {
    return CuratorTopologyStore.open(client, root, credential, true);
  }

  /** The content as of the last transaction this store has seen; no I/O. */
  StoreSnapshot snapshot();

  /** Catches up with transactions committed by others and returns the result. */
  StoreSnapshot refresh();

  /**
   * Validates and commits {@code transaction} atomically, retrying on concurrent transactions of
   * others (each retry validates again against their result).
   *
   * @return the snapshot that includes this transaction
   * @throws VersionConflictException when an expected version does not match
   * @throws IntegrityException when the result would be inconsistent or break one of the store's
   *     rules; names the referrers or the conflicting objects
   * @throws TransactionTooLargeException when the writes would not fit in one ZooKeeper request
   * @throws StoreException when ZooKeeper fails
   */
  StoreSnapshot commit(StoreTransaction transaction);

  /**
   * Starts a batch on the current content (caught up with other writers first): transactions added
   * to it are checked like {@link #commit}, each against what the earlier ones leave, and {@link
   * StoreBatch#commit} writes all of them in one ZooKeeper transaction, or nothing.
   */
  StoreBatch batch();

  /** Commits {@code change} unconditionally (validated like any transaction). */
  default StoreSnapshot commit(TopologyChange change) {
    return commit(StoreTransaction.of(change));
  }

  /** Creates {@code object}; fails if its id exists. */
  default StoreSnapshot create(Identified object) {
    return commit(StoreTransaction.builder().create(object).build());
  }

  /**
   * Deletes {@code id} with the documented cascade ({@link Cascade}); deleting an absent object
   * changes nothing.
   */
  default StoreSnapshot deleteCascading(EntityId id) {
    return commit(Cascade.deletion(refresh().topology(), id));
  }

  /**
   * Reads a secret. Only a store opened with the secrets credential can.
   *
   * @throws StoreException when the secret is missing or the credential is not accepted
   */
  byte[] readSecret(SecretRef ref);

  /** Whether a secret exists (needs no credential). */
  boolean secretExists(SecretRef ref);

  /** Status and liveness records under this store's root. */
  StatusStore status();

  /**
   * Streams the changes of one kind of object: first one {@link TopologyEvent.Created} per existing
   * object and {@link TopologyEvent.Initialized}, then every change, in order, on one thread. After
   * a connection loss or session expiry the stream resynchronises with the server and delivers only
   * what differs from what it had delivered.
   */
  <T extends Identified> TopologyWatch watch(ObjectKind<?, T> kind, TopologyListener<T> listener);

  /**
   * Streams everything under one router: the router, its ports and routes, the chains it uses
   * (filters, local-redirect chain, and chains they jump to), its VPN services and their
   * connections, and the hosts its ports are bound to. Objects entering the view arrive as {@link
   * TopologyEvent.Created}, leaving it as {@link TopologyEvent.Deleted}. Same ordering and
   * resynchronisation as {@link #watch}.
   */
  TopologyWatch watchRouter(RouterId router, TopologyListener<Identified> listener);

  /** The root path of this store. */
  String root();

  @Override
  void close();
}
