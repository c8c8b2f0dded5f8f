package org.nsvpn.ovsdb.api;

/**
 * A column value in RFC 7047 notation: an {@link Atom}, a {@link SetValue} or a {@link MapValue}.
 *
 * <p>The wire form is self-describing (sets and maps are tagged), so values decode without the
 * schema. One exception follows from the RFC: a set with exactly one element may be sent as the
 * bare atom; {@link Row}'s typed getters therefore accept an atom wherever a set is expected.
 */
public sealed interface Value permits Atom, SetValue, MapValue {}
