package org.nsvpn.chainrules.rules;

import java.util.Objects;

/**
 * One field of a {@link Condition}: either {@link #any()} (the field is not matched on), or a value
 * that the packet must have ({@link #is}) or must not have ({@link #not}).
 *
 * <p>A packet that lacks the field altogether (no IP header for an IP match, no L4 ports on a later
 * fragment) counts as "not equal": it fails {@code is(x)} and satisfies {@code not(x)}.
 */
public sealed interface Match<T> {

  /** Matches every packet. */
  @SuppressWarnings("unchecked")
  static <T> Match<T> any() {
    return (Match<T>) Any.INSTANCE;
  }

  /** Matches packets whose field equals (or falls within) {@code value}. */
  static <T> Match<T> is(T value) {
    return new Is<>(value, false);
  }

  /** Matches packets whose field does not equal (or fall within) {@code value}. */
  static <T> Match<T> not(T value) {
    return new Is<>(value, true);
  }

  /** True when this field takes part in matching. */
  default boolean isSet() {
    return this instanceof Is;
  }

  /** The "not matched on" field. */
  final class Any<T> implements Match<T> {
    static final Any<Object> INSTANCE = new Any<>();

    private Any() {}

    @Override
    public String toString() {
      return "any";
    }
  }

  /** A value to match, possibly inverted. */
  record Is<T>(T value, boolean inverted) implements Match<T> {
    public Is {
      Objects.requireNonNull(value, "value");
    }

    /** Folds a raw "the packet's field is inside value" result with the inversion flag. */
    public boolean accepts(boolean inside) {
      return inside != inverted;
    }

    @Override
    public String toString() {
      return (inverted ? "!" : "") + value;
    }
  }
}
