package org.nsvpn.topology;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
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

/**
 * The store's content after one transaction: a consistent {@link Topology} plus each object's node
 * version and alias. Immutable; obtained from {@link TopologyStore#snapshot()} or {@link
 * TopologyStore#refresh()}.
 */
public final class StoreSnapshot {
  private final long txn;
  private final Topology topology;
  private final Map<EntityId, Entry> entries;
  private volatile Map<String, Map<String, EntityId>> aliasIndex;
  private volatile NavigableMap<TunnelKey, PortId> tunnelIndex;
  private volatile Map<String, Map<String, List<EntityId>>> nameIndex;

  private StoreSnapshot(long txn, Topology topology, Map<EntityId, Entry> entries) {
    this.txn = txn;
    this.topology = topology;
    this.entries = entries;
  }

  /** Builds a snapshot, checking that the entries form a consistent topology. */
  static StoreSnapshot of(long txn, Map<EntityId, Entry> entries) {
    Topology.Builder builder = Topology.builder();
    entries.values().forEach(e -> builder.put(e.value()));
    return new StoreSnapshot(txn, builder.build(), Map.copyOf(entries));
  }

  /**
   * A snapshot whose topology the caller has already built from exactly these entries. Takes
   * ownership of {@code entries}, which the caller must not change afterwards.
   */
  static StoreSnapshot of(long txn, Topology topology, Map<EntityId, Entry> entries) {
    return new StoreSnapshot(txn, topology, Collections.unmodifiableMap(entries));
  }

  /**
   * The snapshot after a transaction: {@code entries} (owned, see {@link #of(long, Topology, Map)})
   * differ from {@code base}'s by {@code removed} and {@code written}. The alias index is derived
   * from the base's, copying only the scopes the transaction touched.
   */
  static StoreSnapshot next(
      StoreSnapshot base,
      long txn,
      Topology topology,
      Map<EntityId, Entry> entries,
      List<Entry> removed,
      List<Entry> written) {
    StoreSnapshot next = of(txn, topology, entries);
    Map<String, Map<String, EntityId>> baseIndex = base.aliasIndex;
    if (baseIndex != null) {
      Map<String, Map<String, EntityId>> index = new HashMap<>(baseIndex);
      Set<String> copied = new java.util.HashSet<>();
      java.util.function.Function<String, Map<String, EntityId>> scope =
          key -> {
            if (copied.add(key)) {
              index.put(key, new HashMap<>(index.getOrDefault(key, Map.of())));
            }
            return index.get(key);
          };
      for (Entry e : removed) {
        scope.apply(scopeKey(e.value())).remove(e.alias(), e.value().id());
      }
      for (Entry e : written) {
        base.entry(e.value().id())
            .ifPresent(
                old -> scope.apply(scopeKey(old.value())).remove(old.alias(), old.value().id()));
        scope.apply(scopeKey(e.value())).put(e.alias(), e.value().id());
      }
      next.aliasIndex = index;
    }
    NavigableMap<TunnelKey, PortId> baseKeys = base.tunnelIndex;
    if (baseKeys != null) {
      next.tunnelIndex = nextTunnelKeys(baseKeys, removed, written);
    }
    Map<String, Map<String, List<EntityId>>> baseNames = base.nameIndex;
    if (baseNames != null) {
      next.nameIndex = nextNames(base, baseNames, removed, written);
    }
    return next;
  }

  /** The base's tunnel keys (shared when no port changed) less the removed, plus the written. */
  private static NavigableMap<TunnelKey, PortId> nextTunnelKeys(
      NavigableMap<TunnelKey, PortId> base, List<Entry> removed, List<Entry> written) {
    TreeMap<TunnelKey, PortId> keys = null;
    for (Entry e : removed) {
      if (e.value() instanceof Port && e.tunnelKey().isPresent()) {
        keys = keys == null ? new TreeMap<>(base) : keys;
        keys.remove(e.tunnelKey().get(), e.value().id());
      }
    }
    for (Entry e : written) {
      if (e.value() instanceof Port port && e.tunnelKey().isPresent()) {
        if (port.id().equals(base.get(e.tunnelKey().get()))) {
          continue;
        }
        keys = keys == null ? new TreeMap<>(base) : keys;
        keys.put(e.tunnelKey().get(), port.id());
      }
    }
    return keys == null ? base : Collections.unmodifiableNavigableMap(keys);
  }

  /** The base's name index with the touched kinds' maps copied and updated. */
  private static Map<String, Map<String, List<EntityId>>> nextNames(
      StoreSnapshot base,
      Map<String, Map<String, List<EntityId>>> baseIndex,
      List<Entry> removed,
      List<Entry> written) {
    Map<String, Map<String, List<EntityId>>> index = new HashMap<>(baseIndex);
    Set<String> copied = new java.util.HashSet<>();
    java.util.function.Function<String, Map<String, List<EntityId>>> kind =
        key -> {
          if (copied.add(key)) {
            index.put(key, new HashMap<>(index.getOrDefault(key, Map.of())));
          }
          return index.get(key);
        };
    java.util.function.Consumer<Identified> drop =
        value ->
            ObjectKind.ofObject(value)
                .nameOf(value)
                .ifPresent(
                    name -> {
                      Map<String, List<EntityId>> names = kind.apply(kindKey(value));
                      List<EntityId> ids = new ArrayList<>(names.getOrDefault(name, List.of()));
                      ids.remove(value.id());
                      if (ids.isEmpty()) {
                        names.remove(name);
                      } else {
                        names.put(name, List.copyOf(ids));
                      }
                    });
    removed.forEach(e -> drop.accept(e.value()));
    for (Entry e : written) {
      base.entry(e.value().id()).ifPresent(old -> drop.accept(old.value()));
      Identified value = e.value();
      ObjectKind.ofObject(value)
          .nameOf(value)
          .ifPresent(
              name -> {
                Map<String, List<EntityId>> names = kind.apply(kindKey(value));
                List<EntityId> ids = new ArrayList<>(names.getOrDefault(name, List.of()));
                ids.add(value.id());
                names.put(name, List.copyOf(ids));
              });
    }
    return index;
  }

  private static String kindKey(Identified value) {
    return ObjectKind.ofObject(value).name();
  }

  /** The name index, built on first use: kind, then name, then the ids so named. */
  private Map<String, Map<String, List<EntityId>>> nameIndex() {
    Map<String, Map<String, List<EntityId>>> index = nameIndex;
    if (index == null) {
      index = new HashMap<>();
      for (Entry e : entries.values()) {
        Identified value = e.value();
        Optional<String> name = ObjectKind.ofObject(value).nameOf(value);
        if (name.isPresent()) {
          index
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
      nameIndex = index;
    }
    return index;
  }

  /**
   * The ids of the objects of {@code kind} named {@code name} (for kinds with names), in no
   * particular order; from an index carried from snapshot to snapshot, so a lookup does not cost a
   * pass over the store.
   */
  public <I extends EntityId> List<I> named(ObjectKind<I, ?> kind, String name) {
    List<EntityId> ids =
        nameIndex().getOrDefault(kind.name(), Map.of()).getOrDefault(name, List.of());
    return ids.stream().map(id -> kind.idType().cast(id)).toList();
  }

  /** The alias index, built on first use: writers that never resolve aliases never pay for it. */
  private Map<String, Map<String, EntityId>> aliasIndex() {
    Map<String, Map<String, EntityId>> index = aliasIndex;
    if (index == null) {
      index = new HashMap<>();
      for (Entry e : entries.values()) {
        index
            .computeIfAbsent(scopeKey(e.value()), k -> new HashMap<>())
            .put(e.alias(), e.value().id());
      }
      aliasIndex = index;
    }
    return index;
  }

  static final StoreSnapshot EMPTY = new StoreSnapshot(0, Topology.EMPTY, Map.of());

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

  Map<EntityId, Entry> entries() {
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
    NavigableMap<TunnelKey, PortId> index = tunnelIndex;
    if (index == null) {
      TreeMap<TunnelKey, PortId> built = new TreeMap<>();
      for (Entry e : entries.values()) {
        if (e.value() instanceof Port port) {
          e.tunnelKey().ifPresent(k -> built.put(k, port.id()));
        }
      }
      index = Collections.unmodifiableNavigableMap(built);
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
