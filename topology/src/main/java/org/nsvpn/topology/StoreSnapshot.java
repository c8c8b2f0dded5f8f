package org.nsvpn.topology;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RuleId;
import org.nsvpn.chainrules.model.Port;
import org.nsvpn.chainrules.model.Topology;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;
import org.pcollections.PSortedMap;
import org.pcollections.TreePMap;

/**
 * The store's content after one transaction: a consistent {@link Topology} plus each object's node
 * version and alias. Immutable; obtained from {@link TopologyStore#snapshot()} or {@link
 * TopologyStore#refresh()}.
 *
 * <p>The entries and the indexes are persistent maps (pcollections): the snapshot after a
 * transaction shares everything with its base but the paths to what the transaction wrote, so a
 * commit costs in proportion to what it writes, not to the store. Copying the entry map and the
 * touched scopes of the alias index for every commit was a quarter of what the agent's own commits
 * (one per router provisioned) cost at 1,000 routers (docs/performance.md, issue 18).
 */
public final class StoreSnapshot {
  private final long txn;
  private final Topology topology;
  private final PMap<EntityId, Entry> entries;
  private volatile PMap<String, PMap<String, EntityId>> aliasIndex;
  private volatile PSortedMap<TunnelKey, PortId> tunnelIndex;
  private volatile PMap<String, PMap<String, List<EntityId>>> nameIndex;

  private StoreSnapshot(long txn, Topology topology, PMap<EntityId, Entry> entries) {
    this.txn = txn;
    this.topology = topology;
    this.entries = entries;
  }

  /** Builds a snapshot, checking that the entries form a consistent topology. */
  static StoreSnapshot of(long txn, Map<EntityId, Entry> entries) {
    Topology.Builder builder = Topology.builder();
    entries.values().forEach(e -> builder.put(e.value()));
    return new StoreSnapshot(txn, builder.build(), HashTreePMap.from(entries));
  }

  /**
   * The snapshot after a transaction: {@code entries}, whose topology is {@code topology}, differ
   * from {@code base}'s by {@code removed} and {@code written}. The indexes that {@code base} built
   * are carried over, changed by what the transaction wrote only.
   */
  static StoreSnapshot next(
      StoreSnapshot base,
      long txn,
      Topology topology,
      PMap<EntityId, Entry> entries,
      List<Entry> removed,
      List<Entry> written) {
    StoreSnapshot next = new StoreSnapshot(txn, topology, entries);
    PMap<String, PMap<String, EntityId>> baseIndex = base.aliasIndex;
    if (baseIndex != null) {
      PMap<String, PMap<String, EntityId>> index = baseIndex;
      for (Entry e : removed) {
        index = without(index, scopeKey(e.value()), e.alias(), e.value().id());
      }
      for (Entry e : written) {
        Entry old = base.entries.get(e.value().id());
        if (old != null) {
          index = without(index, scopeKey(old.value()), old.alias(), old.value().id());
        }
        index = with(index, scopeKey(e.value()), e.alias(), e.value().id());
      }
      next.aliasIndex = index;
    }
    PSortedMap<TunnelKey, PortId> baseKeys = base.tunnelIndex;
    if (baseKeys != null) {
      next.tunnelIndex = nextTunnelKeys(baseKeys, removed, written);
    }
    PMap<String, PMap<String, List<EntityId>>> baseNames = base.nameIndex;
    if (baseNames != null) {
      next.nameIndex = nextNames(base, baseNames, removed, written);
    }
    return next;
  }

  /** {@code index} with {@code key} mapped to {@code value} in {@code scope}. */
  private static <V> PMap<String, PMap<String, V>> with(
      PMap<String, PMap<String, V>> index, String scope, String key, V value) {
    return index.plus(scope, index.getOrDefault(scope, HashTreePMap.empty()).plus(key, value));
  }

  /** {@code index} without {@code key} in {@code scope}, if it maps to {@code value} there. */
  private static <V> PMap<String, PMap<String, V>> without(
      PMap<String, PMap<String, V>> index, String scope, String key, V value) {
    PMap<String, V> inner = index.get(scope);
    if (inner == null || !value.equals(inner.get(key))) {
      return index;
    }
    return index.plus(scope, inner.minus(key));
  }

  /** The base's tunnel keys (shared when no port changed) less the removed, plus the written. */
  private static PSortedMap<TunnelKey, PortId> nextTunnelKeys(
      PSortedMap<TunnelKey, PortId> base, List<Entry> removed, List<Entry> written) {
    PSortedMap<TunnelKey, PortId> keys = base;
    for (Entry e : removed) {
      if (e.value() instanceof Port
          && e.tunnelKey().isPresent()
          && e.value().id().equals(keys.get(e.tunnelKey().get()))) {
        keys = keys.minus(e.tunnelKey().get());
      }
    }
    for (Entry e : written) {
      if (e.value() instanceof Port port
          && e.tunnelKey().isPresent()
          && !port.id().equals(keys.get(e.tunnelKey().get()))) {
        keys = keys.plus(e.tunnelKey().get(), port.id());
      }
    }
    return keys;
  }

  /** The base's name index less the removed and the written objects' old names, plus the new. */
  private static PMap<String, PMap<String, List<EntityId>>> nextNames(
      StoreSnapshot base,
      PMap<String, PMap<String, List<EntityId>>> baseIndex,
      List<Entry> removed,
      List<Entry> written) {
    PMap<String, PMap<String, List<EntityId>>> index = baseIndex;
    for (Entry e : removed) {
      index = withoutName(index, e.value());
    }
    for (Entry e : written) {
      Entry old = base.entries.get(e.value().id());
      if (old != null) {
        index = withoutName(index, old.value());
      }
      Identified value = e.value();
      Optional<String> name = ObjectKind.ofObject(value).nameOf(value);
      if (name.isPresent()) {
        PMap<String, List<EntityId>> names =
            index.getOrDefault(kindKey(value), HashTreePMap.empty());
        List<EntityId> ids = new ArrayList<>(names.getOrDefault(name.get(), List.of()));
        ids.add(value.id());
        index = index.plus(kindKey(value), names.plus(name.get(), List.copyOf(ids)));
      }
    }
    return index;
  }

  /** {@code index} without {@code value} under its name. */
  private static PMap<String, PMap<String, List<EntityId>>> withoutName(
      PMap<String, PMap<String, List<EntityId>>> index, Identified value) {
    Optional<String> name = ObjectKind.ofObject(value).nameOf(value);
    if (name.isEmpty()) {
      return index;
    }
    PMap<String, List<EntityId>> names = index.getOrDefault(kindKey(value), HashTreePMap.empty());
    List<EntityId> ids = new ArrayList<>(names.getOrDefault(name.get(), List.of()));
    ids.remove(value.id());
    return index.plus(
        kindKey(value),
        ids.isEmpty() ? names.minus(name.get()) : names.plus(name.get(), List.copyOf(ids)));
  }

  private static String kindKey(Identified value) {
    return ObjectKind.ofObject(value).name();
  }

  /** The name index, built on first use: kind, then name, then the ids so named. */
  private PMap<String, PMap<String, List<EntityId>>> nameIndex() {
    PMap<String, PMap<String, List<EntityId>>> index = nameIndex;
    if (index == null) {
      Map<String, Map<String, List<EntityId>>> built = new HashMap<>();
      for (Entry e : entries.values()) {
        Identified value = e.value();
        Optional<String> name = ObjectKind.ofObject(value).nameOf(value);
        if (name.isPresent()) {
          built
              .computeIfAbsent(kindKey(value), k -> new HashMap<>())
              .merge(
                  name.get(),
                  List.of(value.id()),
                  (a, b) -> {
                    List<EntityId> both = new ArrayList<>(a);
                    both.addAll(b);
                    return List.copyOf(both);
                  });
        }
      }
      index = persistent(built);
      nameIndex = index;
    }
    return index;
  }

  /** A map of maps, both levels made persistent. */
  private static <V> PMap<String, PMap<String, V>> persistent(Map<String, Map<String, V>> maps) {
    PMap<String, PMap<String, V>> out = HashTreePMap.empty();
    for (Map.Entry<String, Map<String, V>> e : maps.entrySet()) {
      out = out.plus(e.getKey(), HashTreePMap.from(e.getValue()));
    }
    return out;
  }

  /**
   * The ids of the objects of {@code kind} named {@code name} (for kinds with names), in no
   * particular order; from an index carried from snapshot to snapshot, so a lookup does not cost a
   * pass over the store.
   */
  public <I extends EntityId> List<I> named(ObjectKind<I, ?> kind, String name) {
    List<EntityId> ids =
        nameIndex().getOrDefault(kind.name(), HashTreePMap.empty()).getOrDefault(name, List.of());
    return ids.stream().map(id -> kind.idType().cast(id)).toList();
  }

  /** The alias index, built on first use: writers that never resolve aliases never pay for it. */
  private PMap<String, PMap<String, EntityId>> aliasIndex() {
    PMap<String, PMap<String, EntityId>> index = aliasIndex;
    if (index == null) {
      Map<String, Map<String, EntityId>> built = new HashMap<>();
      for (Entry e : entries.values()) {
        built
            .computeIfAbsent(scopeKey(e.value()), k -> new HashMap<>())
            .put(e.alias(), e.value().id());
      }
      index = persistent(built);
      aliasIndex = index;
    }
    return index;
  }

  static final StoreSnapshot EMPTY = new StoreSnapshot(0, Topology.EMPTY, HashTreePMap.empty());

  /** The content of a fresh store: no objects, transaction 0. */
  public static StoreSnapshot empty() {
    return EMPTY;
  }

  /** The number of the last transaction this snapshot includes (0 for a fresh store). */
  public long txn() {
    return txn;
  }

  public Topology topology() {
    return topology;
  }

  PMap<EntityId, Entry> entries() {
    return entries;
  }

  Optional<Entry> entry(EntityId id) {
    return Optional.ofNullable(entries.get(id));
  }

  /** The object with this id, with its version and alias. */
  public <I extends EntityId, T extends Identified> Optional<Versioned<T>> get(
      ObjectKind<I, T> kind, I id) {
    Entry e = entries.get(id);
    if (e == null) {
      return Optional.empty();
    }
    return kind.cast(e.value()).map(v -> new Versioned<>(v, e.version(), e.alias()));
  }

  /** Any object by id. */
  public Optional<Versioned<Identified>> get(EntityId id) {
    return entry(id).map(Entry::versioned);
  }

  /** Every object of a kind, ordered by scope and alias ({@code port2} before {@code port10}). */
  public <T extends Identified> List<Versioned<T>> list(ObjectKind<?, T> kind) {
    List<Versioned<T>> out = new ArrayList<>();
    for (Entry e : entries.values()) {
      kind.cast(e.value()).ifPresent(v -> out.add(new Versioned<>(v, e.version(), e.alias())));
    }
    out.sort(
        Comparator.<Versioned<T>, String>comparing(v -> scopeLabel(v.value()), Aliases.ORDER)
            .thenComparing(Versioned::alias, Aliases.ORDER));
    return out;
  }

  /** The objects of a kind whose alias scope is {@code scope}, ordered by alias. */
  public <T extends Identified> List<Versioned<T>> list(ObjectKind<?, T> kind, EntityId scope) {
    return list(kind).stream()
        .filter(v -> kind.aliasScope(v.value()).equals(Optional.of(scope)))
        .toList();
  }

  /** The id of the object of {@code kind} with {@code alias} within {@code scope}, if any. */
  public Optional<EntityId> byAlias(
      ObjectKind<?, ?> kind, Optional<? extends EntityId> scope, String alias) {
    Map<String, EntityId> index =
        aliasIndex().get(kind.name() + "/" + scope.map(Object::toString).orElse(""));
    return index == null ? Optional.empty() : Optional.ofNullable(index.get(alias));
  }

  /** The aliases taken within a scope. */
  Set<String> aliases(ObjectKind<?, ?> kind, Optional<? extends EntityId> scope) {
    Map<String, EntityId> index =
        aliasIndex().get(kind.name() + "/" + scope.map(Object::toString).orElse(""));
    return index == null ? Set.of() : index.keySet();
  }

  /** The tunnel key of a port (every port created by this version of the store has one). */
  public Optional<TunnelKey> tunnelKey(PortId port) {
    Entry e = entries.get(port);
    return e == null ? Optional.empty() : e.tunnelKey();
  }

  /**
   * Every port's tunnel key, ordered by key; built on first use, then carried to the snapshots
   * derived from this one (shared while no port changes).
   */
  public NavigableMap<TunnelKey, PortId> tunnelKeys() {
    PSortedMap<TunnelKey, PortId> index = tunnelIndex;
    if (index == null) {
      TreeMap<TunnelKey, PortId> built = new TreeMap<>();
      for (Entry e : entries.values()) {
        if (e.value() instanceof Port port) {
          e.tunnelKey().ifPresent(k -> built.put(k, port.id()));
        }
      }
      index = TreePMap.fromSortedMap(built);
      tunnelIndex = index;
    }
    return index;
  }

  /** The alias of a rule within its chain. */
  public Optional<String> ruleAlias(ChainId chain, RuleId rule) {
    Entry e = entries.get(chain);
    return e == null ? Optional.empty() : Optional.ofNullable(e.ruleAliases().get(rule));
  }

  /** The rule of {@code chain} with this alias. */
  public Optional<RuleId> ruleByAlias(ChainId chain, String alias) {
    Entry e = entries.get(chain);
    if (e == null) {
      return Optional.empty();
    }
    return e.ruleAliases().entrySet().stream()
        .filter(r -> r.getValue().equals(alias))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  /**
   * How people refer to an object: its alias, prefixed by its scope's label for scoped kinds
   * ({@code router0}, {@code router0:port1}, {@code vpn0:conn0}); the UUID for unknown ids.
   */
  public String label(EntityId id) {
    Entry e = entries.get(id);
    if (e == null) {
      return id.toString();
    }
    String scope = scopeLabel(e.value());
    return scope.isEmpty() ? e.alias() : scope + ":" + e.alias();
  }

  /** The label of a rule: {@code chain0:rule1}. */
  public String ruleLabel(ChainId chain, RuleId rule) {
    return label(chain) + ":" + ruleAlias(chain, rule).orElse(rule.toString());
  }

  private String scopeLabel(Identified value) {
    return scopeOf(value).map(this::label).orElse("");
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static Optional<EntityId> scopeOf(Identified value) {
    ObjectKind kind = ObjectKind.ofObject(value);
    return kind.aliasScope(value);
  }

  static String scopeKey(Identified value) {
    return ObjectKind.ofObject(value).name()
        + "/"
        + scopeOf(value).map(Object::toString).orElse("");
  }

  /** The number of objects. */
  public int size() {
    return entries.size();
  }

  /** Every stored object. */
  public Collection<Versioned<Identified>> all() {
    return entries.values().stream().map(Entry::versioned).toList();
  }

  @Override
  public String toString() {
    return "StoreSnapshot[txn " + txn + ", " + topology + "]";
  }
}
