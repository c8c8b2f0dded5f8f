package org.nsvpn.topology;

import org.nsvpn.chainrules.id.Identified;

/** One change delivered by a {@link TopologyWatch}. */
public sealed interface TopologyEvent<T extends Identified> {

  /** An object appeared (was created, or entered a router's view). */
  record Created<T extends Identified>(Versioned<T> object) implements TopologyEvent<T> {}

  /** An object changed. */
  record Updated<T extends Identified>(Versioned<T> before, Versioned<T> after)
      implements TopologyEvent<T> {}

  /** An object went (was deleted, or left a router's view); {@code last} is what it was. */
  record Deleted<T extends Identified>(Versioned<T> last) implements TopologyEvent<T> {}

  /** The initial content has been delivered; sent once per watch. */
  record Initialized<T extends Identified>() implements TopologyEvent<T> {}
}
