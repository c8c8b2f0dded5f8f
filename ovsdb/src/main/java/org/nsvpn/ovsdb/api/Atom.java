package org.nsvpn.ovsdb.api;

import java.util.UUID;

/**
 * An RFC 7047 atom: a string, integer, real, boolean, uuid or named-uuid. An atom is also a value
 * in its own right (a column of cardinality one).
 */
public sealed interface Atom extends Value
    permits StringAtom, IntegerAtom, RealAtom, BooleanAtom, UuidAtom, NamedUuidAtom {

  /** A string atom. */
  static StringAtom string(String value) {
    return new StringAtom(value);
  }

  /** An integer atom. */
  static IntegerAtom integer(long value) {
    return new IntegerAtom(value);
  }

  /** A real atom. */
  static RealAtom real(double value) {
    return new RealAtom(value);
  }

  /** A boolean atom. */
  static BooleanAtom bool(boolean value) {
    return new BooleanAtom(value);
  }

  /** A reference to an existing row. */
  static UuidAtom uuid(UUID value) {
    return new UuidAtom(value);
  }

  /** A reference to a row inserted earlier in the same transaction under {@code name}. */
  static NamedUuidAtom namedUuid(String name) {
    return new NamedUuidAtom(name);
  }
}
