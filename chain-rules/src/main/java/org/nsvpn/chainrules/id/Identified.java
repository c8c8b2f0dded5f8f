package org.nsvpn.chainrules.id;

/** A topology object: anything with a typed id that a store can hold and a change can name. */
public interface Identified {
  EntityId id();
}
