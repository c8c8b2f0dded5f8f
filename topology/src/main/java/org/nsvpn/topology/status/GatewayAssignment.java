package org.nsvpn.topology.status;

import java.time.Instant;
import java.util.Optional;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.VpnServiceId;

/**
 * The scheduler's decision for a VPN service that has a gateway group: the one host that runs it.
 * Written only by the cluster's elected scheduler, read by every agent (the assigned one runs the
 * service, any other tears its copy down) and by the CLI.
 *
 * @param host the host that runs the service
 * @param previous the host that ran it before the last move, if it moved
 * @param reason why it is on {@code host}
 * @param since when the scheduler made this assignment
 */
public record GatewayAssignment(
    VpnServiceId service,
    HostId host,
    Optional<HostId> previous,
    PlacementReason reason,
    Instant since) {

  public GatewayAssignment {
    Require.nonNull("vpn-service", service);
    Require.nonNull("host", host);
    Require.nonNull("previous", previous);
    Require.nonNull("reason", reason);
    Require.nonNull("since", since);
  }

  /** The assignment that moves this service to {@code next} for {@code why}. */
  public GatewayAssignment movedTo(HostId next, PlacementReason why, Instant at) {
    return new GatewayAssignment(service, next, Optional.of(host), why, at);
  }
}
