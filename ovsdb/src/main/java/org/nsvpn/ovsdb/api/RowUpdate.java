package org.nsvpn.ovsdb.api;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The change of one row in a monitor update (RFC 7047 section 4.1.6). {@code old} is absent for an
 * inserted row (and in the initial contents); {@code new} is absent for a deleted row. For a
 * modified row, {@code new} holds every monitored column and {@code old} only the changed ones.
 */
public record RowUpdate(UUID uuid, Optional<Row> oldRow, Optional<Row> newRow) {
  public RowUpdate {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(oldRow, "old");
    Objects.requireNonNull(newRow, "new");
    if (oldRow.isEmpty() && newRow.isEmpty()) {
      throw new IllegalArgumentException("row update " + uuid + ": neither old nor new");
    }
  }

  /** What happened to the row. */
  public Kind kind() {
    if (oldRow.isEmpty()) {
      return Kind.INSERT;
    }
    return newRow.isEmpty() ? Kind.DELETE : Kind.MODIFY;
  }

  /** The kinds of row change. */
  public enum Kind {
    INSERT,
    MODIFY,
    DELETE
  }
}
