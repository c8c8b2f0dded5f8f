package org.nsvpn.ovsdb.api;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A set of atoms: {@code ["set", [...]]} on the wire. Also the way to write an optional column (an
 * empty set is "no value"). Iteration follows insertion order, so encoding is deterministic.
 */
public record SetValue(Set<Atom> elements) implements Value {
  private static final SetValue EMPTY = new SetValue(Set.of());

  public SetValue {
    Objects.requireNonNull(elements, "set elements");
    elements = Collections.unmodifiableSet(new LinkedHashSet<>(elements));
    if (elements.contains(null)) {
      throw new IllegalArgumentException("set elements: must not contain null");
    }
  }

  /** The empty set: an unset optional column, an empty reference set. */
  public static SetValue empty() {
    return EMPTY;
  }

  /** A set of the given atoms. */
  public static SetValue of(Collection<? extends Atom> atoms) {
    return new SetValue(new LinkedHashSet<>(atoms));
  }

  /** A set of the given atoms. */
  public static SetValue of(Atom... atoms) {
    return of(java.util.Arrays.asList(atoms));
  }

  /** A set of references to existing rows. */
  public static SetValue ofUuids(Collection<UUID> uuids) {
    return new SetValue(
        uuids.stream().map(UuidAtom::new).collect(Collectors.toCollection(LinkedHashSet::new)));
  }

  /** A set of strings. */
  public static SetValue ofStrings(Collection<String> strings) {
    return new SetValue(
        strings.stream().map(StringAtom::new).collect(Collectors.toCollection(LinkedHashSet::new)));
  }
}
