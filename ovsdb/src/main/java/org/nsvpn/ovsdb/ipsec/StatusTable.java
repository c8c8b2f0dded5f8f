package org.nsvpn.ovsdb.ipsec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.nsvpn.ovsdb.api.IntegerAtom;
import org.nsvpn.ovsdb.api.Row;
import org.nsvpn.ovsdb.api.RowUpdate;

/**
 * One of the three status tables as the publisher sees it: how a key is read from a row and written
 * into one, and a cache (kept by the publisher's monitor) of which row holds which key and who
 * manages it. Not thread-safe: the publisher guards it.
 *
 * @param <K> the key type: policy name, {@link SaKey} or {@link SpSelector}
 */
final class StatusTable<K> {
  final String table;
  final String statusColumn;
  final String refColumn;
  final String namePrefix;
  final List<String> keyColumns;
  private final Function<Row, K> keyOf;
  private final Function<K, Row.Builder> keyRow;

  private final Map<UUID, Entry<K>> rows = new HashMap<>();
  private final Map<K, UUID> byKey = new HashMap<>();

  /** Status maps this publisher wrote and the server confirmed; cleared on any doubt. */
  final Map<K, Map<String, String>> written = new HashMap<>();

  /**
   * The status value each key's status map was last computed from, and that map: a key whose value
   * is the same instance as last time (the values are immutable) gets the same map without
   * computing it, which also makes the comparison with {@link #written} an identity check.
   */
  final Map<K, Object> plannedFrom = new HashMap<>();

  final Map<K, Map<String, String>> plannedStatus = new HashMap<>();

  StatusTable(
      String table,
      String statusColumn,
      String refColumn,
      String namePrefix,
      List<String> keyColumns,
      Function<Row, K> keyOf,
      Function<K, Row.Builder> keyRow) {
    this.table = table;
    this.statusColumn = statusColumn;
    this.refColumn = refColumn;
    this.namePrefix = namePrefix;
    this.keyColumns = keyColumns;
    this.keyOf = keyOf;
    this.keyRow = keyRow;
  }

  static StatusTable<String> connections() {
    return new StatusTable<>(
        IpsecSchema.IKE_CONNECTION,
        IpsecSchema.IKE_CONN_STATUSES,
        IpsecSchema.IKE_CONNECTIONS_REF,
        "conn",
        List.of("policy_name"),
        row -> Checks.policyName("policy_name", row.string("policy_name")),
        name -> Row.builder().put("policy_name", name));
  }

  static StatusTable<SaKey> sas() {
    return new StatusTable<>(
        IpsecSchema.MANUAL_SA,
        IpsecSchema.MANUAL_SA_STATUSES,
        IpsecSchema.MANUAL_SAS_REF,
        "sa",
        List.of("spi", "dest_addr", "protocol"),
        row ->
            new SaKey(
                row.integer("spi"),
                row.string("dest_addr"),
                IpsecProtocol.parse("protocol", row.string("protocol"))),
        key ->
            Row.builder()
                .put("spi", key.spi())
                .put("dest_addr", key.destAddr())
                .put("protocol", key.protocol().text()));
  }

  static StatusTable<SpSelector> sps() {
    return new StatusTable<>(
        IpsecSchema.MANUAL_SP,
        IpsecSchema.MANUAL_SP_STATUSES,
        IpsecSchema.MANUAL_SPS_REF,
        "sp",
        List.of("src_addr", "src_addr_mask", "dest_addr", "dest_addr_mask", "direction"),
        row ->
            new SpSelector(
                row.string("src_addr"),
                Math.toIntExact(row.integer("src_addr_mask")),
                row.string("dest_addr"),
                Math.toIntExact(row.integer("dest_addr_mask")),
                SpDirection.parse("direction", row.string("direction"))),
        sel ->
            Row.builder()
                .put("src_addr", sel.srcAddr())
                .put("src_addr_mask", new IntegerAtom(sel.srcMask()))
                .put("dest_addr", sel.destAddr())
                .put("dest_addr_mask", new IntegerAtom(sel.destMask()))
                .put("direction", sel.direction().text()));
  }

  /** Columns the publisher monitors: the key and the ownership flag, never the status map. */
  List<String> monitoredColumns() {
    List<String> cols = new java.util.ArrayList<>(keyColumns);
    cols.add(IpsecSchema.NSVPN_MANAGED);
    return cols;
  }

  /** The key columns of {@code key}, for an insert. */
  Row.Builder keyRow(K key) {
    return keyRow.apply(key);
  }

  void clear() {
    rows.clear();
    byKey.clear();
    written.clear();
  }

  /** Applies one monitored row change to the cache. */
  void apply(RowUpdate update) {
    Entry<K> old = rows.remove(update.uuid());
    if (old != null && old.key != null) {
      byKey.remove(old.key, update.uuid());
    }
    if (update.newRow().isEmpty()) {
      return;
    }
    Row row = update.newRow().get();
    K key;
    try {
      key = keyOf.apply(row);
    } catch (RuntimeException e) {
      key = null; // an operator row whose key no snapshot can match; leave it alone
    }
    boolean managed = row.optionalBool(IpsecSchema.NSVPN_MANAGED).orElse(false);
    rows.put(update.uuid(), new Entry<>(key, managed));
    if (key != null) {
      UUID previous = byKey.put(key, update.uuid());
      if (previous != null && !previous.equals(update.uuid())) {
        written.remove(key);
      }
    }
  }

  /** The row holding {@code key}, if any. */
  Optional<UUID> rowOf(K key) {
    return Optional.ofNullable(byKey.get(key));
  }

  /** Rows the publisher manages, with their keys (null for unreadable keys). */
  Map<UUID, K> managedRows() {
    Map<UUID, K> out = new HashMap<>();
    rows.forEach(
        (uuid, e) -> {
          if (e.managed) {
            out.put(uuid, e.key);
          }
        });
    return out;
  }

  int size() {
    return rows.size();
  }

  private record Entry<K>(K key, boolean managed) {}
}
