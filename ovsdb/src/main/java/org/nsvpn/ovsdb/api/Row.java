package org.nsvpn.ovsdb.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/**
 * Some columns of one row, by column name. Rows the server sends hold the columns that were asked
 * for (plus {@code _uuid} and {@code _version} when requested); rows the client sends hold the
 * columns to write.
 *
 * <p>The typed getters follow RFC 7047's notation rules: an optional column ({@code min 0, max 1})
 * arrives as an empty set when unset and as the bare atom when set, and a one-element set may
 * arrive as the bare atom. They throw {@link IllegalStateException} naming the column when the
 * value has another shape, which means the schema is not the one the caller expects.
 */
public record Row(Map<String, Value> columns) {
  /** The column every row has: its identity. */
  public static final String UUID_COLUMN = "_uuid";

  public Row {
    Objects.requireNonNull(columns, "columns");
    Map<String, Value> copy = new LinkedHashMap<>();
    columns.forEach(
        (k, v) -> {
          if (k == null || v == null) {
            throw new IllegalArgumentException("row columns: must not contain null");
          }
          copy.put(k, v);
        });
    columns = Collections.unmodifiableMap(copy);
  }

  /** A builder for rows to write. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether this row holds {@code column}. */
  public boolean has(String column) {
    return columns.containsKey(column);
  }

  /** The raw value of {@code column}, or empty when the row does not hold it. */
  public Optional<Value> get(String column) {
    return Optional.ofNullable(columns.get(column));
  }

  /** The row's identity ({@code _uuid}); present in rows read from the server. */
  public UUID uuid() {
    return uuidValue(UUID_COLUMN);
  }

  /** A required string column. */
  public String string(String column) {
    return optionalString(column).orElseThrow(() -> shape(column, "a string", columns.get(column)));
  }

  /** An optional string column: empty when unset. */
  public Optional<String> optionalString(String column) {
    return optionalAtom(column, StringAtom.class).map(StringAtom::value);
  }

  /** A required integer column. */
  public long integer(String column) {
    OptionalLong v = optionalInteger(column);
    if (v.isEmpty()) {
      throw shape(column, "an integer", columns.get(column));
    }
    return v.getAsLong();
  }

  /** An optional integer column: empty when unset. */
  public OptionalLong optionalInteger(String column) {
    Optional<IntegerAtom> a = optionalAtom(column, IntegerAtom.class);
    return a.isPresent() ? OptionalLong.of(a.get().value()) : OptionalLong.empty();
  }

  /** A required boolean column. */
  public boolean bool(String column) {
    return optionalBool(column).orElseThrow(() -> shape(column, "a boolean", columns.get(column)));
  }

  /** An optional boolean column: empty when unset. */
  public Optional<Boolean> optionalBool(String column) {
    return optionalAtom(column, BooleanAtom.class).map(BooleanAtom::value);
  }

  /** A required reference column. */
  public UUID uuidValue(String column) {
    return optionalAtom(column, UuidAtom.class)
        .map(UuidAtom::value)
        .orElseThrow(() -> shape(column, "a uuid", columns.get(column)));
  }

  /** The atoms of a set column (a bare atom counts as a one-element set). */
  public Set<Atom> set(String column) {
    Value v = require(column);
    if (v instanceof SetValue s) {
      return s.elements();
    }
    if (v instanceof Atom a) {
      return Set.of(a);
    }
    throw shape(column, "a set", v);
  }

  /** The references held by a set-of-uuid column. */
  public Set<UUID> uuidSet(String column) {
    Set<UUID> out = new LinkedHashSet<>();
    for (Atom a : set(column)) {
      if (!(a instanceof UuidAtom u)) {
        throw shape(column, "a set of uuids", columns.get(column));
      }
      out.add(u.value());
    }
    return Collections.unmodifiableSet(out);
  }

  /** The entries of a string-to-string map column. */
  public Map<String, String> stringMap(String column) {
    Value v = require(column);
    if (!(v instanceof MapValue m)) {
      throw shape(column, "a map", v);
    }
    Map<String, String> out = new LinkedHashMap<>();
    m.entries()
        .forEach(
            (k, val) -> {
              if (!(k instanceof StringAtom ks) || !(val instanceof StringAtom vs)) {
                throw shape(column, "a map of strings to strings", v);
              }
              out.put(ks.value(), vs.value());
            });
    return Collections.unmodifiableMap(out);
  }

  /** This row with {@code other}'s columns laid over it (a monitor's modify applied to a row). */
  public Row merge(Row other) {
    Map<String, Value> merged = new LinkedHashMap<>(columns);
    merged.putAll(other.columns);
    return new Row(merged);
  }

  private <A extends Atom> Optional<A> optionalAtom(String column, Class<A> type) {
    Value v = require(column);
    if (type.isInstance(v)) {
      return Optional.of(type.cast(v));
    }
    if (v instanceof SetValue s) {
      if (s.elements().isEmpty()) {
        return Optional.empty();
      }
      if (s.elements().size() == 1) {
        Atom only = s.elements().iterator().next();
        if (type.isInstance(only)) {
          return Optional.of(type.cast(only));
        }
      }
    }
    throw shape(column, "an optional " + type.getSimpleName(), v);
  }

  private Value require(String column) {
    Value v = columns.get(column);
    if (v == null) {
      throw new IllegalStateException(
          "column '" + column + "' is not in the row (columns: " + columns.keySet() + ")");
    }
    return v;
  }

  private static IllegalStateException shape(String column, String expected, Value actual) {
    return new IllegalStateException(
        "column '" + column + "': expected " + expected + ", got " + actual);
  }

  /** Builds a {@link Row}; later puts of a column replace earlier ones. */
  public static final class Builder {
    private final Map<String, Value> columns = new LinkedHashMap<>();

    private Builder() {}

    /** Sets a column to any value. */
    public Builder put(String column, Value value) {
      columns.put(Objects.requireNonNull(column, "column"), Objects.requireNonNull(value, column));
      return this;
    }

    /** Sets a string column. */
    public Builder put(String column, String value) {
      return put(column, new StringAtom(value));
    }

    /** Sets an integer column. */
    public Builder put(String column, long value) {
      return put(column, new IntegerAtom(value));
    }

    /** Sets a boolean column. */
    public Builder put(String column, boolean value) {
      return put(column, new BooleanAtom(value));
    }

    /** Sets an optional string column; empty writes "unset" (the empty set). */
    public Builder putOptional(String column, Optional<String> value) {
      return put(column, value.<Value>map(StringAtom::new).orElse(SetValue.empty()));
    }

    /** Sets a string-to-string map column. */
    public Builder putMap(String column, Map<String, String> value) {
      return put(column, MapValue.ofStrings(value));
    }

    /** Sets a set-of-strings column. */
    public Builder putStrings(String column, List<String> value) {
      return put(column, SetValue.ofStrings(value));
    }

    public Row build() {
      return new Row(columns);
    }
  }
}
