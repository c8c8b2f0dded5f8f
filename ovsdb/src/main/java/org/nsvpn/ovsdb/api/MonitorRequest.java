package org.nsvpn.ovsdb.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What to monitor in one table (RFC 7047 {@code <monitor-request>}): some columns (absent: all) and
 * which kinds of change to report. Reporting initial contents, inserts, deletes and modifies is the
 * default.
 */
public record MonitorRequest(
    String table,
    Optional<List<String>> columns,
    boolean initial,
    boolean insert,
    boolean delete,
    boolean modify) {
  public MonitorRequest {
    Objects.requireNonNull(table, "table");
    columns = columns.map(List::copyOf);
  }

  /** All columns, every kind of change. */
  public static MonitorRequest all(String table) {
    return new MonitorRequest(table, Optional.empty(), true, true, true, true);
  }

  /** Some columns, every kind of change. */
  public static MonitorRequest columns(String table, List<String> columns) {
    return new MonitorRequest(table, Optional.of(columns), true, true, true, true);
  }
}
