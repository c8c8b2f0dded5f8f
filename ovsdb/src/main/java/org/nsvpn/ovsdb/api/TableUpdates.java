package org.nsvpn.ovsdb.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A monitor's row changes, grouped by table (RFC 7047 {@code <table-updates>}). */
public record TableUpdates(Map<String, List<RowUpdate>> tables) {
  private static final TableUpdates EMPTY = new TableUpdates(Map.of());

  public TableUpdates {
    Objects.requireNonNull(tables, "tables");
    Map<String, List<RowUpdate>> copy = new LinkedHashMap<>();
    tables.forEach((t, rows) -> copy.put(t, List.copyOf(rows)));
    tables = Collections.unmodifiableMap(copy);
  }

  /** No changes. */
  public static TableUpdates empty() {
    return EMPTY;
  }

  /** The changes to {@code table} (empty when none). */
  public List<RowUpdate> table(String table) {
    return tables.getOrDefault(table, List.of());
  }

  /** Whether there is no change at all. */
  public boolean isEmpty() {
    return tables.values().stream().allMatch(List::isEmpty);
  }
}
