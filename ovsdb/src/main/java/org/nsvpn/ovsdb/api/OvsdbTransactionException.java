package org.nsvpn.ovsdb.api;

import java.util.List;
import java.util.Optional;

/**
 * A transaction failed: nothing of it was applied. {@link #operationIndex()} says which operation
 * failed; it equals the number of operations when the commit itself failed (for instance a
 * referential integrity violation found after all operations ran), in which case {@link
 * #operation()} is empty.
 */
public final class OvsdbTransactionException extends OvsdbServerException {
  private static final long serialVersionUID = 1L;

  private final int operationIndex;
  private final transient Operation operation;
  private final transient List<OperationResult> completed;

  public OvsdbTransactionException(
      String error,
      Optional<String> details,
      int operationIndex,
      Optional<Operation> operation,
      List<OperationResult> completed) {
    super(
        "transact",
        error,
        details,
        "transaction failed at "
            + operation
                .map(op -> "operation " + operationIndex + " (" + describe(op) + ")")
                .orElse("commit (after " + operationIndex + " operations)")
            + ": "
            + error
            + details.map(d -> ": " + d).orElse(""));
    this.operationIndex = operationIndex;
    this.operation = operation.orElse(null);
    this.completed = List.copyOf(completed);
  }

  /** Index of the failed operation; the operation count when the commit failed. */
  public int operationIndex() {
    return operationIndex;
  }

  /** The failed operation; empty when the commit failed. */
  public Optional<Operation> operation() {
    return Optional.ofNullable(operation);
  }

  /** Results the server reported for the operations before the failed one (rolled back). */
  public List<OperationResult> completed() {
    return completed == null ? List.of() : completed;
  }

  private static String describe(Operation op) {
    String table = null;
    if (op instanceof Operation.Insert i) {
      table = i.table();
    } else if (op instanceof Operation.Select s) {
      table = s.table();
    } else if (op instanceof Operation.Update u) {
      table = u.table();
    } else if (op instanceof Operation.Mutate m) {
      table = m.table();
    } else if (op instanceof Operation.Delete d) {
      table = d.table();
    } else if (op instanceof Operation.Wait w) {
      table = w.table();
    }
    return table == null ? op.op() : op.op() + " " + table;
  }
}
