package org.nsvpn.topology;

import org.nsvpn.chainrules.id.Identified;

/** Receives a watch's events, one at a time, in order, on the watch's event thread. */
@FunctionalInterface
public interface TopologyListener<T extends Identified> {
  void onEvent(TopologyEvent<T> event);
}
