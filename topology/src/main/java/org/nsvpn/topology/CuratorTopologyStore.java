package org.nsvpn.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.Stat;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.RuleId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.InconsistentTopologyException;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.Port;
import org.nsvpn.chainrules.model.SecretRef;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.TopologyChange;
import org.nsvpn.chainrules.rules.Chain;
import org.nsvpn.chainrules.rules.Rule;
import org.nsvpn.topology.References.Reference;
import org.nsvpn.topology.json.JsonCodec;
import org.nsvpn.topology.json.StoredDataException;
import org.nsvpn.topology.json.TopologyJson;
import org.pcollections.PMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ZooKeeper implementation of {@link TopologyStore}; see there for the contract. */
final class CuratorTopologyStore implements TopologyStore {
  private static final Logger log = LoggerFactory.getLogger(CuratorTopologyStore.class);
  static final int JOURNAL_KEEP = 1000;
  private static final int MAX_ATTEMPTS = 100;

  /**
   * The most a transaction may write (node paths and data), safely below ZooKeeper's default {@code
   * jute.maxbuffer} of 1 MiB per request, which also carries the ops' framing.
   */
  static final int MAX_TRANSACTION_BYTES = 900 * 1024;

  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final CuratorFramework client;
  private final StorePaths paths;
  private final Optional<SecretsCredential> credential;
  private final Object writeLock = new Object();
  private final Set<TopologyWatch> watches = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final StatusStore status;
  private volatile StoreSnapshot snapshot = StoreSnapshot.EMPTY;

  /**
   * False while a lazily opened store's root holds no layout: it reads as empty, and the first
   * commit that writes something creates the layout.
   */
  private volatile boolean layoutReady;

  private CuratorTopologyStore(
      CuratorFramework client, StorePaths paths, Optional<SecretsCredential> credential) {
    this.client = client;
    this.paths = paths;
    this.credential = credential;
    this.status = new CuratorStatusStore(client, paths);
  }

  /**
   * Opens the store; {@code lazily}, creates nothing before the first commit that writes (see
   * {@link TopologyStore#openLazily}).
   */
  static CuratorTopologyStore open(
      CuratorFramework client,
      String root,
      Optional<SecretsCredential> credential,
      boolean lazily) {
    CuratorTopologyStore store = new CuratorTopologyStore(client, new StorePaths(root), credential);
    if (!lazily || store.layoutExists()) {
      store.initLayout();
      store.layoutReady = true;
      synchronized (store.writeLock) {
        store.snapshot = store.loadAll();
      }
    }
    log.debug("opened topology store {} at transaction {}", root, store.snapshot.txn());
    return store;
  }

  // ---- layout ---------------------------------------------------------------------------------

  private void initLayout() {
    try {
      createIfMissing(paths.root, new byte[0]);
      ObjectNode schema = JsonNodeFactory.instance.objectNode();
      schema.put("schema-version", TopologyJson.SCHEMA_VERSION);
      schema.put("format", "nsvpn-topology");
      createIfMissing(paths.schemaVersion, JsonCodec.toBytes(schema));
      JsonNode stored =
          JsonCodec.parse(paths.schemaVersion, client.getData().forPath(paths.schemaVersion));
      int version = stored.path("schema-version").asInt(-1);
      if (version > TopologyJson.SCHEMA_VERSION) {
        throw new SchemaVersionException(
            "the store at "
                + paths.root
                + " has schema version "
                + version
                + "; this nsvpn reads version "
                + TopologyJson.SCHEMA_VERSION
                + " (upgrade nsvpn)");
      }
      if (version < 1) {
        throw new SchemaVersionException(
            paths.schemaVersion + " holds no valid schema version: " + stored);
      }
      createIfMissing(paths.topology, txnData(0));
      for (ObjectKind<?, ?> kind : ObjectKind.ALL) {
        createIfMissing(paths.directory(kind), new byte[0]);
      }
      for (String p :
          List.of(
              paths.journal,
              paths.secrets,
              paths.status,
              paths.hostStatus,
              paths.serviceStatus,
              paths.connectionStatus,
              paths.gatewayAssignments)) {
        createIfMissing(p, new byte[0]);
      }
    } catch (StoreException e) {
      throw e;
    } catch (Exception e) {
      throw zkFailure("cannot open the store at " + paths.root, e);
    }
  }

  private boolean layoutExists() {
    try {
      return client.checkExists().forPath(paths.schemaVersion) != null;
    } catch (Exception e) {
      throw zkFailure("cannot open the store at " + paths.root, e);
    }
  }

  /** Creates the layout of a lazily opened store if it has none yet, and loads what is there. */
  private void ensureLayout() {
    synchronized (writeLock) {
      if (!layoutReady) {
        initLayout();
        layoutReady = true;
        snapshot = loadAll();
      }
    }
  }

  private void createIfMissing(String path, byte[] data) throws Exception {
    try {
      client.create().creatingParentsIfNeeded().forPath(path, data);
    } catch (KeeperException.NodeExistsException e) {
      // Already there: another process or an earlier run created it.
    }
  }

  private static byte[] txnData(long txn) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("txn", txn);
    return JsonCodec.toBytes(out);
  }

  // ---- reading --------------------------------------------------------------------------------

  @Override
  public StoreSnapshot snapshot() {
    return snapshot;
  }

  @Override
  public StoreSnapshot refresh() {
    requireOpen();
    synchronized (writeLock) {
      snapshot = advance(snapshot);
      return snapshot;
    }
  }

  private int sequence() throws Exception {
    Stat stat = client.checkExists().forPath(paths.topology);
    if (stat == null) {
      throw new StoreException(paths.topology + " has been deleted: the store is gone");
    }
    return stat.getVersion();
  }

  /**
   * Reads everything; consistent because the sequence did not move while reading ({@link
   * #advance(long, Map)} catches up with what changed meanwhile). The reads are pipelined: every
   * directory listing is sent before the first answer is awaited, then every object read, so a
   * store of N objects costs about two round trips rather than N + 10 (ZooKeeper answers the
   * requests of a session in order).
   */
  private StoreSnapshot loadAll() {
    try {
      int at = sequence();
      Map<ObjectKind<?, ?>, CompletableFuture<CuratorEvent>> listings = new LinkedHashMap<>();
      for (ObjectKind<?, ?> kind : ObjectKind.ALL) {
        listings.put(kind, inBackground(client.getChildren(), paths.directory(kind)));
      }
      Map<EntityId, CompletableFuture<CuratorEvent>> reads = new LinkedHashMap<>();
      for (var listing : listings.entrySet()) {
        String dir = paths.directory(listing.getKey());
        for (String child : ok(await(listing.getValue(), dir), dir).getChildren()) {
          EntityId id = parseId(listing.getKey(), dir + "/" + child, child);
          reads.put(id, inBackground(client.getData(), paths.object(id)));
        }
      }
      Map<EntityId, Entry> entries = new LinkedHashMap<>();
      for (var read : reads.entrySet()) {
        // One deleted since the listing is left out: advance() sees the deletion in the journal.
        readInto(entries, read.getKey(), read.getValue());
      }
      return advance(at, entries);
    } catch (StoreException e) {
      throw e;
    } catch (Exception e) {
      throw zkFailure("cannot load the topology from " + paths.root, e);
    }
  }

  /**
   * Longest wait for one pipelined read; Curator's own retries end well before (a lost connection
   * is reported to the callback).
   */
  private static final long READ_TIMEOUT_SECONDS = 60;

  private static CompletableFuture<CuratorEvent> inBackground(
      org.apache.curator.framework.api.BackgroundPathable<?> operation, String path)
      throws Exception {
    CompletableFuture<CuratorEvent> answer = new CompletableFuture<>();
    operation.inBackground((c, event) -> answer.complete(event)).forPath(path);
    return answer;
  }

  /** The answer to a pipelined read. */
  private static CuratorEvent await(CompletableFuture<CuratorEvent> pending, String path)
      throws Exception {
    try {
      return pending.get(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new StoreException(
          "no answer from ZooKeeper for " + path + " within " + READ_TIMEOUT_SECONDS + " s", e);
    }
  }

  /** {@code event}, when it is a success; the ZooKeeper error it carries otherwise. */
  private static CuratorEvent ok(CuratorEvent event, String path) throws KeeperException {
    if (event.getResultCode() != KeeperException.Code.OK.intValue()) {
      throw KeeperException.create(KeeperException.Code.get(event.getResultCode()), path);
    }
    return event;
  }

  private StoreSnapshot advance(StoreSnapshot from) {
    if (!layoutReady) {
      if (!layoutExists()) {
        return from;
      }
      initLayout();
      layoutReady = true;
      return loadAll();
    }
    try {
      if (sequence() == from.txn()) {
        return from;
      }
    } catch (Exception e) {
      throw zkFailure("cannot read the topology from " + paths.root, e);
    }
    return advance(from.txn(), new HashMap<>(from.entries()));
  }

  /**
   * Brings {@code entries}, consistent at transaction {@code at}, up to the current transaction:
   * reads the journal entries after {@code at} and re-reads the objects they name, until the
   * sequence stands still across a round. Falls back to a full load if the journal has been trimmed
   * past {@code at}.
   */
  private StoreSnapshot advance(long at, Map<EntityId, Entry> entries) {
    try {
      while (true) {
        int target = sequence();
        if (target == at) {
          return StoreSnapshot.of(at, entries);
        }
        if (target < at) {
          log.warn("transaction sequence went back from {} to {}; reloading", at, target);
          return loadAll();
        }
        // Pipelined like loadAll: every journal entry requested before the first is awaited,
        // then every object they name; a writer that lags hundreds of transactions behind (the
        // CLI while an agent provisions) catches up in a few round trips, not hundreds.
        Map<Long, CompletableFuture<CuratorEvent>> journal = new LinkedHashMap<>();
        for (long t = at + 1; t <= target; t++) {
          journal.put(t, inBackground(client.getData(), paths.journalEntry(t)));
        }
        Set<String> touched = new LinkedHashSet<>();
        for (var pending : journal.entrySet()) {
          String path = paths.journalEntry(pending.getKey());
          CuratorEvent event = await(pending.getValue(), path);
          if (event.getResultCode() == KeeperException.Code.NONODE.intValue()) {
            log.info("journal entry {} is gone; reloading the whole topology", pending.getKey());
            return loadAll();
          }
          JsonNode entry = JsonCodec.parse(path, ok(event, path).getData());
          entry.path("paths").forEach(p -> touched.add(p.asText()));
        }
        Map<EntityId, CompletableFuture<CuratorEvent>> reads = new LinkedHashMap<>();
        for (String relative : touched) {
          int slash = relative.indexOf('/');
          ObjectKind<?, ?> kind =
              ObjectKind.byDirectory(slash < 0 ? relative : relative.substring(0, slash))
                  .orElseThrow(
                      () -> new StoredDataException(paths.journal, "names unknown " + relative));
          EntityId id = parseId(kind, relative, relative.substring(slash + 1));
          reads.put(id, inBackground(client.getData(), paths.object(id)));
        }
        for (var read : reads.entrySet()) {
          readInto(entries, read.getKey(), read.getValue());
        }
        at = target;
      }
    } catch (StoreException e) {
      throw e;
    } catch (InconsistentTopologyException e) {
      throw new StoreException(
          "the store at " + paths.root + " holds an inconsistent topology: " + e.getMessage(), e);
    } catch (Exception e) {
      throw zkFailure("cannot read the topology from " + paths.root, e);
    }
  }

  private static EntityId parseId(ObjectKind<?, ?> kind, String where, String text) {
    try {
      return kind.parseId(text);
    } catch (InvalidValueException e) {
      throw new StoredDataException(where, "is not named by a " + kind.name() + " id");
    }
  }

  /** The answer to a pipelined read of {@code id}: its entry, or none when it is gone. */
  private void readInto(
      Map<EntityId, Entry> entries, EntityId id, CompletableFuture<CuratorEvent> pending)
      throws Exception {
    String path = paths.object(id);
    CuratorEvent event = await(pending, path);
    if (event.getResultCode() == KeeperException.Code.NONODE.intValue()) {
      entries.remove(id);
      return;
    }
    ok(event, path);
    entries.put(
        id, Entry.decode(path, ObjectKind.of(id), event.getData(), event.getStat().getVersion()));
  }

  // ---- writing --------------------------------------------------------------------------------

  @Override
  public StoreSnapshot commit(StoreTransaction transaction) {
    return commitSteps(List.of(transaction), Optional.empty());
  }

  @Override
  public StoreBatch batch() {
    return new Batch(refresh());
  }

  /**
   * Commits what {@code steps}, each checked against what the ones before it leave, make of the
   * store, as one ZooKeeper transaction. {@code preview}, when given, is what the steps made of the
   * snapshot they were first checked against: used as it is while the store has not moved, and
   * compared with the result when it has.
   */
  private StoreSnapshot commitSteps(List<StoreTransaction> steps, Optional<Applied> preview) {
    requireOpen();
    synchronized (writeLock) {
      for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        StoreSnapshot base = snapshot;
        Applied applied;
        try {
          applied =
              preview.isPresent() && preview.get().base() == base
                  ? preview.get()
                  : reapply(base, steps, preview);
        } catch (VersionConflictException | IntegrityException refused) {
          StoreSnapshot fresh = advance(base);
          if (fresh.txn() == base.txn()) {
            throw refused;
          }
          snapshot = fresh;
          continue;
        }
        if (preview.isPresent() && applied != preview.get()) {
          requireSameLabels(preview.get(), applied);
        }
        if (applied.isEmpty()) {
          return base;
        }
        if (!layoutReady) {
          ensureLayout();
          continue;
        }
        Prepared prepared = prepareWrite(applied);
        if (prepared == null) {
          return base;
        }
        try {
          client.transaction().forOperations(prepared.ops);
        } catch (KeeperException e) {
          if (e.code() == KeeperException.Code.NOAUTH) {
            throw new StoreException(
                "ZooKeeper refused the write (no permission): writing PSKs needs the secrets"
                    + " credential",
                e);
          }
          if (isRetryable(e)) {
            boolean sequenceMoved = firstFailure(e) == 0;
            log.debug(
                "transaction {} lost a race (attempt {}, {}); catching up",
                base.txn() + 1,
                attempt,
                e.code());
            snapshot = sequenceMoved ? advance(base) : loadAll();
            continue;
          }
          throw zkFailure("the transaction failed", e);
        } catch (Exception e) {
          throw zkFailure("the transaction failed", e);
        }
        snapshot = prepared.result;
        afterCommit(prepared);
        return snapshot;
      }
      throw new StoreException(
          "gave up after " + MAX_ATTEMPTS + " attempts: other writers keep changing the store");
    }
  }

  private static boolean isRetryable(KeeperException e) {
    return switch (e.code()) {
      case BADVERSION, NODEEXISTS, NONODE, NOTEMPTY -> true;
      default -> false;
    };
  }

  private static int firstFailure(KeeperException e) {
    List<OpResult> results = e.getResults();
    if (results == null) {
      return -1;
    }
    for (int i = 0; i < results.size(); i++) {
      if (results.get(i) instanceof OpResult.ErrorResult err
          && err.getErr() != KeeperException.Code.OK.intValue()
          && err.getErr() != KeeperException.Code.RUNTIMEINCONSISTENCY.intValue()) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Transactions checked one after another from {@code base}: what they leave ({@code result},
   * whose versions and transaction number count one per step), the objects they wrote or deleted,
   * and their secret writes in order.
   */
  private record Applied(
      StoreSnapshot base,
      StoreSnapshot result,
      Set<EntityId> touched,
      Map<SecretRef, Optional<byte[]>> secrets,
      int steps) {

    static Applied start(StoreSnapshot base) {
      return new Applied(base, base, Set.of(), Map.of(), 0);
    }

    boolean isEmpty() {
      return touched.isEmpty() && secrets.isEmpty();
    }
  }

  /** The ops of one attempt and the snapshot they produce. */
  private record Prepared(
      List<CuratorOp> ops, StoreSnapshot result, List<String> deletedStatusPaths) {}

  /**
   * {@code steps} again, on a base that moved since they were checked. A batch is first applied as
   * the one step its preview amounts to (each object it touched as the preview left it, expecting
   * the version the batch saw; its secrets): one check of the whole topology instead of one per
   * step. A batch of hundreds of lines took seconds to re-check step by step, and an agent that
   * writes meanwhile made every attempt lose the race to commit. When that one step is refused or
   * would label something differently, the steps are applied one by one again, as before, so that a
   * refusal names the step and its reason.
   */
  private Applied reapply(
      StoreSnapshot base, List<StoreTransaction> steps, Optional<Applied> preview) {
    if (preview.isPresent() && steps.size() > 1) {
      try {
        Applied once = applyStep(Applied.start(base), asOneStep(preview.get()));
        requireSameLabels(preview.get(), once);
        return once;
      } catch (VersionConflictException | IntegrityException e) {
        log.debug("the batch as one step was refused ({}); checking it step by step", e.toString());
      }
    }
    return applyAll(base, steps);
  }

  /** The one transaction that takes {@code applied.base()} to {@code applied.result()}. */
  private static StoreTransaction asOneStep(Applied applied) {
    StoreTransaction.Builder tx = StoreTransaction.builder();
    for (EntityId id : applied.touched()) {
      Optional<Entry> before = applied.base().entry(id);
      Optional<Entry> after = applied.result().entry(id);
      if (after.isPresent() && before.isPresent()) {
        tx.update(after.get().value(), before.get().version());
      } else if (after.isPresent()) {
        tx.create(after.get().value());
      } else if (before.isPresent()) {
        tx.delete(id, before.get().version());
      }
    }
    applied
        .secrets()
        .forEach(
            (ref, value) -> {
              if (value.isPresent()) {
                tx.putSecret(ref, value.get());
              } else {
                tx.deleteSecret(ref);
              }
            });
    return tx.build();
  }

  private Applied applyAll(StoreSnapshot base, List<StoreTransaction> steps) {
    Applied applied = Applied.start(base);
    for (StoreTransaction tx : steps) {
      applied = applyStep(applied, tx);
    }
    return applied;
  }

  /**
   * Checks {@code tx} against what {@code so} leaves: expected versions, referrers of deleted
   * objects, secrets, the topology's consistency and the {@link StoreRules}; returns the state
   * after it. Writes nothing.
   */
  private Applied applyStep(Applied so, StoreTransaction tx) {
    StoreSnapshot base = so.result();
    checkExpectations(base, tx);
    TopologyChange change = tx.change();
    List<EntityId> deletions =
        change.deletions().stream().filter(id -> base.entry(id).isPresent()).toList();
    List<String> problems = new ArrayList<>(referrersOfDeleted(base, change, deletions));
    problems.addAll(secretProblems(base, tx, so.secrets()));
    if (!problems.isEmpty()) {
      throw new IntegrityException(problems);
    }
    Topology next;
    try {
      next = base.topology().apply(change);
    } catch (InconsistentTopologyException e) {
      throw new IntegrityException(relabel(base, change, e.problems()));
    }
    if (tx.secrets().values().stream().anyMatch(Optional::isPresent) && credential.isEmpty()) {
      throw new StoreException(
          "storing a PSK needs the secrets credential (see --secrets-auth); nothing was written");
    }

    PMap<EntityId, Entry> entries = base.entries().minusAll(deletions);
    Map<String, Set<String>> assigned = new HashMap<>();
    List<Entry> written = new ArrayList<>();
    NavigableSet<TunnelKey> newKeys = new TreeSet<>();
    for (Identified object : change.upserts()) {
      Optional<Entry> old = base.entry(object.id());
      if (old.isPresent() && old.get().value().equals(object)) {
        continue;
      }
      String alias = aliasFor(base, old, object, assigned);
      Map<RuleId, String> ruleAliases =
          object instanceof Chain chain ? ruleAliases(old, chain) : Map.of();
      Optional<TunnelKey> tunnelKey = old.flatMap(Entry::tunnelKey);
      if (tunnelKey.isEmpty() && object instanceof Port) {
        TunnelKey key = TunnelKeys.next(base.tunnelKeys().navigableKeySet(), newKeys);
        newKeys.add(key);
        tunnelKey = Optional.of(key);
      }
      Entry entry =
          new Entry(object, old.map(e -> e.version() + 1).orElse(0), alias, ruleAliases, tunnelKey);
      entries = entries.plus(object.id(), entry);
      written.add(entry);
    }
    if (deletions.isEmpty() && written.isEmpty() && tx.secrets().isEmpty()) {
      return so;
    }
    List<Entry> removed = deletions.stream().map(id -> base.entry(id).orElseThrow()).toList();
    StoreSnapshot result =
        StoreSnapshot.next(base, base.txn() + 1, next, entries, removed, written);
    Set<EntityId> touchedNow = new LinkedHashSet<>(deletions);
    written.forEach(e -> touchedNow.add(e.value().id()));
    List<String> broken = StoreRules.introduced(base, result, touchedNow);
    if (!broken.isEmpty()) {
      throw new IntegrityException(broken);
    }
    Set<EntityId> touched = new LinkedHashSet<>(so.touched());
    touched.addAll(touchedNow);
    Map<SecretRef, Optional<byte[]>> secrets = new LinkedHashMap<>(so.secrets());
    secrets.putAll(tx.secrets());
    return new Applied(so.base(), result, touched, secrets, so.steps() + 1);
  }

  /**
   * The ZooKeeper ops that take the store from {@code applied.base()} to {@code applied.result()}
   * in one transaction, and the snapshot they produce (with the node versions ZooKeeper will give:
   * one more than the base's for every node written, however many steps wrote it); null when
   * nothing would change.
   */
  private Prepared prepareWrite(Applied applied) {
    StoreSnapshot base = applied.base();
    StoreSnapshot target = applied.result();
    boolean exact = applied.steps() == 1;
    PMap<EntityId, Entry> entries = target.entries();
    long txn = base.txn() + 1;
    List<CuratorOp> ops = new ArrayList<>();
    List<String> journal = new ArrayList<>();
    List<String> statusPaths = new ArrayList<>();
    List<Entry> removed = new ArrayList<>();
    List<Entry> written = new ArrayList<>();
    try {
      ops.add(
          client
              .transactionOp()
              .setData()
              .withVersion((int) base.txn())
              .forPath(paths.topology, txnData(txn)));
      for (EntityId id : applied.touched()) {
        Optional<Entry> before = base.entry(id);
        Optional<Entry> after = target.entry(id);
        if (after.isEmpty()) {
          if (before.isEmpty()) {
            continue;
          }
          ops.add(
              client
                  .transactionOp()
                  .delete()
                  .withVersion(before.get().version())
                  .forPath(paths.object(id)));
          removed.add(before.get());
          if (id instanceof VpnServiceId) {
            statusPaths.add(paths.serviceStatus + "/" + id);
            statusPaths.add(paths.gatewayAssignments + "/" + id);
          } else if (id instanceof IpsecSiteConnectionId) {
            statusPaths.add(paths.connectionStatus + "/" + id);
          }
        } else if (before.isPresent()
            && before.get().withVersion(0).equals(after.get().withVersion(0))) {
          if (!exact) {
            entries = entries.plus(id, before.get());
          }
          continue;
        } else {
          Entry entry = after.get().withVersion(before.map(e -> e.version() + 1).orElse(0));
          if (!exact) {
            entries = entries.plus(id, entry);
          }
          written.add(entry);
          ops.add(
              before.isEmpty()
                  ? client.transactionOp().create().forPath(paths.object(id), entry.encode())
                  : client
                      .transactionOp()
                      .setData()
                      .withVersion(before.get().version())
                      .forPath(paths.object(id), entry.encode()));
        }
        journal.add(paths.relative(id));
      }
      // Every secret's version asked for before the first answer is awaited: a batch of a hundred
      // connections with their PSKs cost a hundred round trips per attempt to commit.
      Map<SecretRef, CompletableFuture<CuratorEvent>> versions = new LinkedHashMap<>();
      for (SecretRef ref : applied.secrets().keySet()) {
        versions.put(ref, inBackground(client.checkExists(), paths.secret(ref)));
      }
      for (Map.Entry<SecretRef, Optional<byte[]>> s : applied.secrets().entrySet()) {
        String path = paths.secret(s.getKey());
        CuratorEvent answer = await(versions.get(s.getKey()), path);
        Stat stat =
            answer.getResultCode() == KeeperException.Code.NONODE.intValue()
                ? null
                : ok(answer, path).getStat();
        if (s.getValue().isPresent()) {
          ops.add(
              stat == null
                  ? client
                      .transactionOp()
                      .create()
                      .withACL(credential.orElseThrow().acl())
                      .forPath(path, s.getValue().get())
                  : client
                      .transactionOp()
                      .setData()
                      .withVersion(stat.getVersion())
                      .forPath(path, s.getValue().get()));
        } else if (stat != null) {
          ops.add(client.transactionOp().delete().withVersion(stat.getVersion()).forPath(path));
        }
      }
      if (ops.size() == 1) {
        return null;
      }
      ObjectNode entry = JsonNodeFactory.instance.objectNode();
      entry.put("txn", txn);
      journal.forEach(entry.putArray("paths")::add);
      byte[] journalEntry = JsonCodec.toBytes(entry);
      ops.add(1, client.transactionOp().create().forPath(paths.journalEntry(txn), journalEntry));
      requireFits(written, applied.secrets(), journalEntry.length);
    } catch (TransactionTooLargeException e) {
      throw e;
    } catch (Exception e) {
      throw zkFailure("cannot prepare the transaction", e);
    }
    StoreSnapshot result =
        exact
            ? target
            : StoreSnapshot.next(base, txn, target.topology(), entries, removed, written);
    return new Prepared(ops, result, statusPaths);
  }

  /**
   * Refuses a transaction that would not fit in one ZooKeeper request (see {@link
   * TransactionTooLargeException}) before it is sent.
   */
  private void requireFits(
      List<Entry> written, Map<SecretRef, Optional<byte[]>> secrets, int journalBytes) {
    long bytes = journalBytes;
    for (Entry e : written) {
      bytes += paths.object(e.value().id()).length() + e.encode().length;
    }
    for (Map.Entry<SecretRef, Optional<byte[]>> s : secrets.entrySet()) {
      bytes += paths.secret(s.getKey()).length() + s.getValue().map(v -> v.length).orElse(0);
    }
    if (bytes > MAX_TRANSACTION_BYTES) {
      throw new TransactionTooLargeException(
          "the transaction would write "
              + (bytes + 1023) / 1024
              + " KiB ("
              + written.size()
              + " objects), more than the "
              + MAX_TRANSACTION_BYTES / 1024
              + " KiB one ZooKeeper request carries; nothing was written: split it");
    }
  }

  /**
   * Refuses a batch whose objects would get other aliases than the ones it was checked with (and
   * has printed): the store changed in between.
   */
  private static void requireSameLabels(Applied preview, Applied actual) {
    for (EntityId id : preview.touched()) {
      if (preview.base().entry(id).isPresent()) {
        continue;
      }
      Optional<Entry> was = preview.result().entry(id);
      Optional<Entry> now = actual.result().entry(id);
      if (was.isPresent()
          && (now.isEmpty()
              || !preview.result().label(id).equals(actual.result().label(id))
              || !was.get().ruleAliases().equals(now.get().ruleAliases()))) {
        throw new VersionConflictException(
            "the store changed while the commands were being checked: "
                + ObjectKind.of(id).name()
                + " "
                + preview.result().label(id)
                + " would now be "
                + (now.isEmpty() ? "refused" : actual.result().label(id))
                + "; nothing was written, run them again");
      }
    }
  }

  /** A batch over this store; see {@link StoreBatch}. */
  private final class Batch implements StoreBatch {
    private final List<StoreTransaction> steps = new ArrayList<>();
    private Applied applied;
    private boolean committed;

    Batch(StoreSnapshot base) {
      this.applied = Applied.start(base);
    }

    @Override
    public StoreSnapshot snapshot() {
      return applied.result();
    }

    @Override
    public StoreSnapshot add(StoreTransaction transaction) {
      requireOpen();
      requireUncommitted();
      applied = applyStep(applied, transaction);
      steps.add(transaction);
      return applied.result();
    }

    @Override
    public StoreSnapshot commit() {
      requireUncommitted();
      committed = true;
      return commitSteps(List.copyOf(steps), Optional.of(applied));
    }

    private void requireUncommitted() {
      if (committed) {
        throw new IllegalStateException("this batch has been committed");
      }
    }
  }

  private void afterCommit(Prepared prepared) {
    long txn = prepared.result.txn();
    try {
      if (txn > JOURNAL_KEEP) {
        client.delete().quietly().inBackground().forPath(paths.journalEntry(txn - JOURNAL_KEEP));
      }
      for (String path : prepared.deletedStatusPaths) {
        client.delete().quietly().inBackground().forPath(path);
      }
    } catch (Exception e) {
      log.warn("housekeeping after transaction {} failed: {}", txn, e.toString());
    }
  }

  private static void checkExpectations(StoreSnapshot base, StoreTransaction tx) {
    for (Map.Entry<EntityId, Integer> x : tx.expectations().entrySet()) {
      EntityId id = x.getKey();
      Optional<Entry> entry = base.entry(id);
      String what = ObjectKind.of(id).name() + " " + base.label(id);
      if (x.getValue() == StoreTransaction.ABSENT) {
        if (entry.isPresent()) {
          throw new VersionConflictException(what + " already exists");
        }
      } else if (entry.isEmpty()) {
        throw new VersionConflictException(
            ObjectKind.of(id).name() + " " + id + " no longer exists (deleted by someone else)");
      } else if (entry.get().version() != x.getValue()) {
        throw new VersionConflictException(
            what
                + " was changed by someone else (version "
                + entry.get().version()
                + ", expected "
                + x.getValue()
                + "); read it again");
      }
    }
  }

  /** "cannot delete X: still referenced by Y (field)" for deletions that leave referrers. */
  private static List<String> referrersOfDeleted(
      StoreSnapshot base, TopologyChange change, List<EntityId> deletions) {
    if (deletions.isEmpty()) {
      return List.of();
    }
    Map<EntityId, Identified> after = new LinkedHashMap<>();
    base.entries().values().forEach(e -> after.put(e.value().id(), e.value()));
    deletions.forEach(after::remove);
    change.upserts().forEach(o -> after.put(o.id(), o));
    List<String> problems = new ArrayList<>();
    for (EntityId id : deletions) {
      List<Reference> refs = References.to(id, after.values());
      if (refs.isEmpty()) {
        continue;
      }
      List<String> who = new ArrayList<>();
      for (Reference r : refs) {
        String from =
            r.rule().isPresent()
                ? "rule " + base.ruleLabel((ChainId) r.from(), r.rule().get().id())
                : ObjectKind.of(r.from()).name() + " " + base.label(r.from());
        who.add(from + " (" + r.field() + ")");
      }
      // The snapshot's entries have no order; sorting keeps the message the same on every run.
      who.sort(null);
      problems.add(
          "cannot delete "
              + ObjectKind.of(id).name()
              + " "
              + base.label(id)
              + ": still referenced by "
              + String.join(", ", who));
    }
    return problems;
  }

  private List<String> secretProblems(
      StoreSnapshot base, StoreTransaction tx, Map<SecretRef, Optional<byte[]>> pending) {
    List<String> problems = new ArrayList<>();
    Set<SecretRef> deletedSecrets = new LinkedHashSet<>();
    tx.secrets()
        .forEach(
            (ref, value) -> {
              if (value.isEmpty()) {
                deletedSecrets.add(ref);
              }
            });
    for (Identified o : tx.change().upserts()) {
      if (o instanceof IpsecSiteConnection c) {
        boolean changedRef =
            base.topology()
                .connection(c.id())
                .map(old -> !old.secret().equals(c.secret()))
                .orElse(true);
        boolean written = tx.secrets().getOrDefault(c.secret(), Optional.empty()).isPresent();
        // Asked only when it decides: secretExists lists every secret, one round trip each.
        if (changedRef
            && !written
            && !(pending.containsKey(c.secret())
                ? pending.get(c.secret()).isPresent()
                : secretExists(c.secret()))) {
          problems.add(
              "psk: ipsec-site-connection "
                  + c.name()
                  + " refers to secret '"
                  + c.secret()
                  + "', which does not exist; give the PSK with the connection");
        }
      }
    }
    if (deletedSecrets.isEmpty()) {
      return problems;
    }
    // Only a transaction that deletes secrets pays for a pass over the connections.
    Map<EntityId, IpsecSiteConnection> after = new LinkedHashMap<>();
    base.topology().connections().forEach(c -> after.put(c.id(), c));
    tx.change().deletions().forEach(after::remove);
    for (Identified o : tx.change().upserts()) {
      if (o instanceof IpsecSiteConnection c) {
        after.put(c.id(), c);
      }
    }
    for (SecretRef ref : deletedSecrets) {
      for (IpsecSiteConnection c : after.values()) {
        if (c.secret().equals(ref)) {
          problems.add(
              "cannot delete secret '"
                  + ref
                  + "': used by ipsec-site-connection "
                  + base.label(c.id()));
        }
      }
    }
    return problems;
  }

  private static String aliasFor(
      StoreSnapshot base,
      Optional<Entry> old,
      Identified object,
      Map<String, Set<String>> assigned) {
    String scopeKey = StoreSnapshot.scopeKey(object);
    if (old.isPresent() && StoreSnapshot.scopeKey(old.get().value()).equals(scopeKey)) {
      return old.get().alias();
    }
    ObjectKind<?, ?> kind = ObjectKind.ofObject(object);
    // Only this transaction's new aliases are collected; the stored ones are read in place.
    Set<String> taken = assigned.computeIfAbsent(scopeKey, k -> new LinkedHashSet<>());
    String alias =
        Aliases.next(kind.aliasPrefix(), base.aliases(kind, StoreSnapshot.scopeOf(object)), taken);
    taken.add(alias);
    return alias;
  }

  private static Map<RuleId, String> ruleAliases(Optional<Entry> old, Chain chain) {
    Map<RuleId, String> previous = old.map(Entry::ruleAliases).orElse(Map.of());
    Map<RuleId, String> out = new LinkedHashMap<>();
    Set<String> taken = new LinkedHashSet<>(previous.values());
    for (Rule rule : chain.rules()) {
      String alias = previous.get(rule.id());
      if (alias == null) {
        alias = Aliases.next("rule", taken);
        taken.add(alias);
      }
      out.put(rule.id(), alias);
    }
    return out;
  }

  /** Replaces the UUIDs in the model's problem texts by the objects' labels. */
  private static List<String> relabel(
      StoreSnapshot base, TopologyChange change, List<String> problems) {
    Map<String, String> labels = new HashMap<>();
    for (Entry e : base.entries().values()) {
      labels.put(e.value().id().toString(), base.label(e.value().id()));
    }
    for (Identified o : change.upserts()) {
      labels.putIfAbsent(o.id().toString(), "(new " + ObjectKind.ofObject(o).name() + ")");
    }
    List<String> out = new ArrayList<>();
    for (String problem : problems) {
      Matcher m = UUID_TEXT.matcher(problem);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(
            sb, Matcher.quoteReplacement(labels.getOrDefault(m.group(), m.group())));
      }
      m.appendTail(sb);
      out.add(sb.toString());
    }
    return out;
  }

  // ---- secrets --------------------------------------------------------------------------------

  @Override
  public byte[] readSecret(SecretRef ref) {
    requireOpen();
    try {
      return client.getData().forPath(paths.secret(ref));
    } catch (KeeperException.NoNodeException e) {
      throw new StoreException("no secret '" + ref + "' in the store");
    } catch (KeeperException.NoAuthException e) {
      throw new StoreException(
          "reading secret '" + ref + "' needs the secrets credential (--secrets-auth)");
    } catch (Exception e) {
      throw zkFailure("cannot read secret '" + ref + "'", e);
    }
  }

  @Override
  public boolean secretExists(SecretRef ref) {
    try {
      // Listing the parent needs no permission on the secret itself (exists() would).
      return client.getChildren().forPath(paths.secrets).contains(ref.name());
    } catch (KeeperException.NoNodeException e) {
      return false;
    } catch (Exception e) {
      throw zkFailure("cannot check secret '" + ref + "'", e);
    }
  }

  // ---- status and watches -------------------------------------------------------------------

  @Override
  public StatusStore status() {
    return status;
  }

  @Override
  public <T extends Identified> TopologyWatch watch(
      ObjectKind<?, T> kind, TopologyListener<T> listener) {
    requireOpen();
    ensureLayout();
    KindWatch<T> watch = new KindWatch<>(client, paths, kind, listener, watches::remove);
    watches.add(watch);
    watch.start();
    return watch;
  }

  @Override
  public TopologyWatch watchRouter(RouterId router, TopologyListener<Identified> listener) {
    requireOpen();
    ensureLayout();
    RouterViewWatch watch = new RouterViewWatch(client, paths, router, listener, watches::remove);
    watches.add(watch);
    watch.start();
    return watch;
  }

  @Override
  public String root() {
    return paths.root;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      for (TopologyWatch w : List.copyOf(watches)) {
        w.close();
      }
      status.close();
    }
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new IllegalStateException("the topology store is closed");
    }
  }

  private StoreException zkFailure(String what, Exception e) {
    if (e instanceof StoreException se) {
      return se;
    }
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    if (e instanceof StoredDataException sde) {
      return new StoreException(sde.getMessage(), sde);
    }
    return new StoreException(what + ": " + e.getMessage(), e);
  }

  @Override
  public String toString() {
    return "TopologyStore[" + paths.root + ", txn " + snapshot.txn() + "]";
  }
}
