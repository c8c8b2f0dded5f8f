package org.nsvpn.agentplugin.ipsec;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.ovsdb.ipsec.IkeConnectionStatus;
import org.nsvpn.ovsdb.ipsec.IpsecStatusSnapshot;

/**
 * The latest OVSDB status of every connection this agent runs, written by the router actors and
 * read by the publisher at each refresh (in one transaction). Thread-safe.
 */
final class StatusBoard {
  private final Map<IpsecSiteConnectionId, IkeConnectionStatus> connections =
      new ConcurrentHashMap<>();

  void put(IpsecSiteConnectionId connection, IkeConnectionStatus status) {
    connections.put(connection, status);
  }

  void remove(IpsecSiteConnectionId connection) {
    connections.remove(connection);
  }

  /** What the publisher writes: every connection's row; no manual SA or SP rows. */
  IpsecStatusSnapshot snapshot() {
    return IpsecStatusSnapshot.of(List.copyOf(connections.values()), List.of(), List.of());
  }
}
