package org.nsvpn.ovsdb.api;

/**
 * Receives a monitor's data, in order, on the client's callback thread. Must not block.
 *
 * <p>The contract that makes a correct cache: after {@link #onSnapshot} the listener's view equals
 * {@code contents}; each {@link #onUpdate} then applies on top. After a reconnection the client
 * re-establishes the monitor and calls {@link #onSnapshot} again with {@code resync = true}: the
 * listener must <em>replace</em> its view (rows may have vanished while the client was away), not
 * merge.
 */
public interface MonitorListener {

  /** The full current contents of the monitored tables (only inserts, no old rows). */
  void onSnapshot(TableUpdates contents, boolean resync);

  /** Changes since the previous snapshot or update. */
  void onUpdate(TableUpdates updates);
}
