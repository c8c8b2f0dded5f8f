package org.nsvpn.topology.status;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;

/**
 * What the agent running a connection last reported about it: the state, why it is in that state,
 * and its SAs with their proposals, SPIs and counters. Written by the agent, read by {@code
 * vpn-service X show status}.
 *
 * @param host the host whose agent wrote this record
 * @param reason human-readable cause of the state (e.g. "peer unreachable", "AUTH_FAILED"); empty
 *     when there is nothing to say
 * @param updatedAt when the agent wrote this record
 */
public record ConnectionStatus(
    IpsecSiteConnectionId connection,
    HostId host,
    ConnectionState state,
    Optional<String> reason,
    List<IkeSaStatus> ikeSas,
    Instant updatedAt) {

  public ConnectionStatus {
    Require.nonNull("ipsec-site-connection", connection);
    Require.nonNull("host", host);
    Require.nonNull("state", state);
    Require.nonNull("reason", reason);
    ikeSas = List.copyOf(Require.noNulls("ike-sas", ikeSas));
    Require.nonNull("updated-at", updatedAt);
  }

  /** The sum of the counters of every child SA of every IKE SA. */
  public SaCounters totals() {
    long bi = 0;
    long bo = 0;
    long pi = 0;
    long po = 0;
    for (IkeSaStatus ike : ikeSas) {
      for (ChildSaStatus child : ike.childSas()) {
        bi += child.counters().bytesIn();
        bo += child.counters().bytesOut();
        pi += child.counters().packetsIn();
        po += child.counters().packetsOut();
      }
    }
    return new SaCounters(bi, bo, pi, po, Optional.empty(), Optional.empty());
  }
}
