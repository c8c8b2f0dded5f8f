package org.nsvpn.topology;

import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.Identified;

/**
 * An object as stored: its value, the ZooKeeper version of its node (for optimistic concurrency:
 * pass it back to {@link StoreTransaction.Builder#update} to write only if nobody wrote in between)
 * and its alias.
 *
 * @param alias the object's alias within its scope, e.g. {@code router0} or {@code port1}
 */
public record Versioned<T extends Identified>(T value, int version, String alias) {
  public Versioned {
    Require.nonNull("value", value);
    Require.inRange("version", version, 0, Integer.MAX_VALUE);
    Require.nonNull("alias", alias);
  }
}
