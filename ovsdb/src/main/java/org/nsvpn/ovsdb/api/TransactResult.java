package org.nsvpn.ovsdb.api;

import java.util.List;
import java.util.UUID;

/**
 * The results of a successful transaction, one per operation, in order. Typed accessors throw
 * {@link IllegalArgumentException} when the operation at {@code index} has another kind of result.
 */
public record TransactResult(List<OperationResult> results) {
  public TransactResult {
    results = List.copyOf(results);
  }

  /** The result of operation {@code index}. */
  public OperationResult get(int index) {
    return results.get(index);
  }

  /** The uuid of the row that insert {@code index} created. */
  public UUID inserted(int index) {
    return as(index, OperationResult.Inserted.class).uuid();
  }

  /** The rows that select {@code index} returned. */
  public List<Row> rows(int index) {
    return as(index, OperationResult.Selected.class).rows();
  }

  /** How many rows update, mutate or delete {@code index} matched. */
  public long count(int index) {
    return as(index, OperationResult.Counted.class).count();
  }

  private <R extends OperationResult> R as(int index, Class<R> type) {
    OperationResult r = results.get(index);
    if (!type.isInstance(r)) {
      throw new IllegalArgumentException(
          "result " + index + " is " + r + ", not " + type.getSimpleName());
    }
    return type.cast(r);
  }
}
