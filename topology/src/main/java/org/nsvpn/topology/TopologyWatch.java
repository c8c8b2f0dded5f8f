package org.nsvpn.topology;

import java.util.Map;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.Identified;

/** A running watch; {@link #close()} stops it (idempotent). */
public interface TopologyWatch extends AutoCloseable {

  /** What the watch has delivered so far, by id: the listener's view of the store. */
  Map<EntityId, Versioned<Identified>> current();

  /** True once the initial content has been delivered. */
  boolean isInitialized();

  @Override
  void close();
}
