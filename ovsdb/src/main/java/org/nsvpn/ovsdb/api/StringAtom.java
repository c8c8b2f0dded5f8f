package org.nsvpn.ovsdb.api;

import java.util.Objects;

/** A string atom (UTF-8 on the wire). */
public record StringAtom(String value) implements Atom {
  public StringAtom {
    Objects.requireNonNull(value, "string atom value");
  }

  @Override
  public String toString() {
    return '"' + value + '"';
  }
}
