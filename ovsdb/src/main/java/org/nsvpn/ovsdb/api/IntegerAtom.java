package org.nsvpn.ovsdb.api;

/** A 64-bit signed integer atom. */
public record IntegerAtom(long value) implements Atom {
  @Override
  public String toString() {
    return Long.toString(value);
  }
}
