package org.nsvpn.topology.status;

import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.status.ConnectionStatus;

/**
 * A connection's status as stored: the status and the host whose agent reported it. A reader judges
 * the report stale when that host is not alive.
 */
public record ConnectionReport(HostId host, ConnectionStatus status) {
  public ConnectionReport {
    Require.nonNull("host", host);
    Require.nonNull("status", status);
  }
}
