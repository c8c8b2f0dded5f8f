package org.nsvpn.ovsdb.api;

import java.util.Objects;
import java.util.UUID;

/** One clause of a {@code where}: {@code [column, function, value]}; clauses are ANDed. */
public record Condition(String column, Function function, Value value) {
  public Condition {
    Objects.requireNonNull(column, "condition column");
    Objects.requireNonNull(function, "condition function");
    Objects.requireNonNull(value, "condition value");
  }

  /** {@code column == value}. */
  public static Condition equal(String column, Value value) {
    return new Condition(column, Function.EQUAL, value);
  }

  /** {@code column == "value"}. */
  public static Condition equal(String column, String value) {
    return equal(column, new StringAtom(value));
  }

  /** {@code column == value} for an integer column. */
  public static Condition equal(String column, long value) {
    return equal(column, new IntegerAtom(value));
  }

  /** The row whose {@code _uuid} is {@code uuid}; ovsdb-server finds it without a scan. */
  public static Condition uuidIs(UUID uuid) {
    return equal(Row.UUID_COLUMN, new UuidAtom(uuid));
  }

  /** The condition functions of RFC 7047 section 5.1, with their wire spelling. */
  public enum Function {
    LESS("<"),
    LESS_OR_EQUAL("<="),
    EQUAL("=="),
    NOT_EQUAL("!="),
    GREATER_OR_EQUAL(">="),
    GREATER(">"),
    INCLUDES("includes"),
    EXCLUDES("excludes");

    private final String wire;

    Function(String wire) {
      this.wire = wire;
    }

    /** The spelling on the wire. */
    public String wire() {
      return wire;
    }
  }
}
