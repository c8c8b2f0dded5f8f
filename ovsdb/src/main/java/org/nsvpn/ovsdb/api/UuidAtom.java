package org.nsvpn.ovsdb.api;

import java.util.Objects;
import java.util.UUID;

/** A reference to a row by its {@code _uuid}: {@code ["uuid", "..."]} on the wire. */
public record UuidAtom(UUID value) implements Atom {
  public UuidAtom {
    Objects.requireNonNull(value, "uuid atom value");
  }

  @Override
  public String toString() {
    return value.toString();
  }
}
