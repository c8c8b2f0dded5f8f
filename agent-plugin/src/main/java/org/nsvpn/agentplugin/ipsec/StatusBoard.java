package org.nsvpn.agentplugin.ipsec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.ovsdb.ipsec.IpsecStatusSnapshot;

/**
 * The latest status of every connection this agent runs, with its OVSDB policy name, written by the
 * router actors and read by the publisher at each refresh (in one transaction). Thread-safe.
 */
final class StatusBoard {
  private record Row(String policyName, ConnectionStatus status) {}

  private final Map<IpsecSiteConnectionId, Row> connections = new ConcurrentHashMap<>();

  void put(String policyName, ConnectionStatus status) {
    connections.put(status.connection(), new Row(policyName, status));
  }

  void remove(IpsecSiteConnectionId connection) {
    connections.remove(connection);
  }

  /** What the publisher writes: every connection's row; no manual SA or SP rows. */
  IpsecStatusSnapshot snapshot() {
    Map<String, ConnectionStatus> rows = new LinkedHashMap<>();
    connections.values().forEach(r -> rows.put(r.policyName(), r.status()));
    return IpsecStatusSnapshot.of(rows, List.of(), List.of());
  }
}
