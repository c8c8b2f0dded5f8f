package org.nsvpn.ovsdb.api;

/** A boolean atom. */
public record BooleanAtom(boolean value) implements Atom {
  @Override
  public String toString() {
    return Boolean.toString(value);
  }
}
