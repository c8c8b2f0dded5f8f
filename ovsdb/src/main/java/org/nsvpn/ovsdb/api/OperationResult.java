package org.nsvpn.ovsdb.api;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/** The result of one successful {@link Operation}; its kind follows the operation's. */
public sealed interface OperationResult {

  /** Result of an insert: the new row's uuid. */
  record Inserted(UUID uuid) implements OperationResult {
    public Inserted {
      Objects.requireNonNull(uuid, "uuid");
    }
  }

  /** Result of a select: the matching rows. */
  record Selected(List<Row> rows) implements OperationResult {
    public Selected {
      rows = List.copyOf(rows);
    }
  }

  /** Result of an update, mutate or delete: how many rows matched. */
  record Counted(long count) implements OperationResult {}

  /** Result of a wait, commit, abort, comment or assert: nothing beyond success. */
  record Done() implements OperationResult {}
}
