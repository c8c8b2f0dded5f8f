package org.nsvpn.ovsdb.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One operation of a {@code transact} (RFC 7047 section 5.2). A transaction is a list of these,
 * applied atomically by the server: either all take effect or none does.
 *
 * <p>Build them with the static factories ({@code Operation.insert(...)}, {@code
 * Operation.update(...)}, ...). Each operation names its {@link #op() wire name}; its result comes
 * back as the matching {@link OperationResult}.
 */
public sealed interface Operation {

  /** The operation's name on the wire ({@code "insert"}, {@code "select"}, ...). */
  String op();

  /** Inserts {@code row}; the new row's uuid is returned and, if named, usable in later ops. */
  static Insert insert(String table, Row row) {
    return new Insert(table, row, Optional.empty());
  }

  /** Inserts {@code row} under a uuid-name that later operations can reference. */
  static Insert insert(String table, Row row, String uuidName) {
    return new Insert(table, row, Optional.of(uuidName));
  }

  /** Selects all columns of the rows matching {@code where}. */
  static Select select(String table, List<Condition> where) {
    return new Select(table, where, Optional.empty());
  }

  /** Selects some columns of the rows matching {@code where}. */
  static Select select(String table, List<Condition> where, List<String> columns) {
    return new Select(table, where, Optional.of(columns));
  }

  /** Overwrites the columns in {@code row} of every row matching {@code where}. */
  static Update update(String table, List<Condition> where, Row row) {
    return new Update(table, where, row);
  }

  /** Applies {@code mutations} to every row matching {@code where}. */
  static Mutate mutate(String table, List<Condition> where, List<Mutation> mutations) {
    return new Mutate(table, where, mutations);
  }

  /** Deletes every row matching {@code where}. */
  static Delete delete(String table, List<Condition> where) {
    return new Delete(table, where);
  }

  /** Aborts the transaction: it fails with error {@code aborted} at this operation. */
  static Abort abort() {
    return new Abort();
  }

  /** Commits, optionally waiting until the change is durable on disk. */
  static Commit commit(boolean durable) {
    return new Commit(durable);
  }

  /** Adds a comment to the server's log of this transaction. */
  static Comment comment(String comment) {
    return new Comment(comment);
  }

  /** Fails the transaction unless this client holds {@code lock}. */
  static Assert assertLock(String lock) {
    return new Assert(lock);
  }

  /** Insert ({@code uuid-name} optional). */
  record Insert(String table, Row row, Optional<String> uuidName) implements Operation {
    public Insert {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(row, "row");
      Objects.requireNonNull(uuidName, "uuid-name");
      uuidName.ifPresent(NamedUuidAtom::new);
    }

    @Override
    public String op() {
      return "insert";
    }
  }

  /** Select ({@code columns} absent: all columns). */
  record Select(String table, List<Condition> where, Optional<List<String>> columns)
      implements Operation {
    public Select {
      Objects.requireNonNull(table, "table");
      where = List.copyOf(where);
      columns = columns.map(List::copyOf);
    }

    @Override
    public String op() {
      return "select";
    }
  }

  /** Update. */
  record Update(String table, List<Condition> where, Row row) implements Operation {
    public Update {
      Objects.requireNonNull(table, "table");
      where = List.copyOf(where);
      Objects.requireNonNull(row, "row");
    }

    @Override
    public String op() {
      return "update";
    }
  }

  /** Mutate. */
  record Mutate(String table, List<Condition> where, List<Mutation> mutations)
      implements Operation {
    public Mutate {
      Objects.requireNonNull(table, "table");
      where = List.copyOf(where);
      mutations = List.copyOf(mutations);
    }

    @Override
    public String op() {
      return "mutate";
    }
  }

  /** Delete. */
  record Delete(String table, List<Condition> where) implements Operation {
    public Delete {
      Objects.requireNonNull(table, "table");
      where = List.copyOf(where);
    }

    @Override
    public String op() {
      return "delete";
    }
  }

  /**
   * Wait: succeeds once the selected {@code columns} of the rows matching {@code where} are (or are
   * not, per {@code until}) exactly {@code rows}; fails with {@code timed out} after {@code
   * timeoutMillis} (absent: wait forever; 0: check once).
   */
  record Wait(
      String table,
      List<Condition> where,
      List<String> columns,
      Until until,
      List<Row> rows,
      OptionalLong timeoutMillis)
      implements Operation {
    public Wait {
      Objects.requireNonNull(table, "table");
      where = List.copyOf(where);
      columns = List.copyOf(columns);
      Objects.requireNonNull(until, "until");
      rows = List.copyOf(rows);
      Objects.requireNonNull(timeoutMillis, "timeout");
      if (timeoutMillis.isPresent() && timeoutMillis.getAsLong() < 0) {
        throw new IllegalArgumentException(
            "timeout: invalid value '" + timeoutMillis.getAsLong() + "': must be >= 0");
      }
    }

    @Override
    public String op() {
      return "wait";
    }

    /** Whether the wait is for equality or inequality. */
    public enum Until {
      EQUAL("=="),
      NOT_EQUAL("!=");

      private final String wire;

      Until(String wire) {
        this.wire = wire;
      }

      /** The spelling on the wire. */
      public String wire() {
        return wire;
      }
    }
  }

  /** Commit. */
  record Commit(boolean durable) implements Operation {
    @Override
    public String op() {
      return "commit";
    }
  }

  /** Abort. */
  record Abort() implements Operation {
    @Override
    public String op() {
      return "abort";
    }
  }

  /** Comment. */
  record Comment(String comment) implements Operation {
    public Comment {
      Objects.requireNonNull(comment, "comment");
    }

    @Override
    public String op() {
      return "comment";
    }
  }

  /** Assert: the transaction fails with {@code not owner} unless this client holds the lock. */
  record Assert(String lock) implements Operation {
    public Assert {
      Objects.requireNonNull(lock, "lock");
    }

    @Override
    public String op() {
      return "assert";
    }
  }
}
