package org.nsvpn.ovsdb.api;

import java.util.Objects;

/**
 * One mutation: {@code [column, mutator, value]}.
 *
 * <p>Beware RFC 7047's map semantics: {@link Mutator#INSERT} into a map does not overwrite an
 * existing key. To change a key's value, delete the key and insert it in the same mutate (or
 * replace the whole column with an update).
 */
public record Mutation(String column, Mutator mutator, Value value) {
  public Mutation {
    Objects.requireNonNull(column, "mutation column");
    Objects.requireNonNull(mutator, "mutator");
    Objects.requireNonNull(value, "mutation value");
  }

  /** Adds elements to a set, or entries with new keys to a map. */
  public static Mutation insert(String column, Value value) {
    return new Mutation(column, Mutator.INSERT, value);
  }

  /** Removes elements from a set, or entries from a map (by a set of keys or a map of entries). */
  public static Mutation delete(String column, Value value) {
    return new Mutation(column, Mutator.DELETE, value);
  }

  /** The mutators of RFC 7047 section 5.1, with their wire spelling. */
  public enum Mutator {
    ADD("+="),
    SUBTRACT("-="),
    MULTIPLY("*="),
    DIVIDE("/="),
    MODULO("%="),
    INSERT("insert"),
    DELETE("delete");

    private final String wire;

    Mutator(String wire) {
      this.wire = wire;
    }

    /** The spelling on the wire. */
    public String wire() {
      return wire;
    }
  }
}
