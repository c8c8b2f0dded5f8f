package org.nsvpn.ovsdb.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A reference to a row that an earlier {@link Operation.Insert} of the same transaction created
 * under this name: {@code ["named-uuid", "name"]} on the wire. RFC 7047 requires an identifier
 * ({@code [_a-zA-Z][_a-zA-Z0-9]*}).
 */
public record NamedUuidAtom(String name) implements Atom {
  static final Pattern ID = Pattern.compile("[_a-zA-Z][_a-zA-Z0-9]*");

  public NamedUuidAtom {
    Objects.requireNonNull(name, "named-uuid");
    if (!ID.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "named-uuid: invalid value '" + name + "': must match [_a-zA-Z][_a-zA-Z0-9]*");
    }
  }

  @Override
  public String toString() {
    return "@" + name;
  }
}
