package org.nsvpn.ovsdb.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A map from atoms to atoms: {@code ["map", [[k, v], ...]]} on the wire. Iteration follows
 * insertion order, so encoding is deterministic.
 */
public record MapValue(Map<Atom, Atom> entries) implements Value {
  private static final MapValue EMPTY = new MapValue(Map.of());

  public MapValue {
    Objects.requireNonNull(entries, "map entries");
    Map<Atom, Atom> copy = new LinkedHashMap<>();
    entries.forEach(
        (k, v) -> {
          if (k == null || v == null) {
            throw new IllegalArgumentException("map entries: must not contain null");
          }
          copy.put(k, v);
        });
    entries = Collections.unmodifiableMap(copy);
  }

  /** The empty map. */
  public static MapValue empty() {
    return EMPTY;
  }

  /** A string-to-string map, the type of every status column of the IPsec schema. */
  public static MapValue ofStrings(Map<String, String> strings) {
    Map<Atom, Atom> entries = new LinkedHashMap<>();
    strings.forEach((k, v) -> entries.put(new StringAtom(k), new StringAtom(v)));
    return new MapValue(entries);
  }
}
