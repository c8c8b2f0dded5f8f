package org.nsvpn.topology.status;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.model.IkeVersion;
import org.nsvpn.chainrules.net.IpAddress;

/**
 * One IKE SA of a connection, with its child SAs.
 *
 * @param uniqueId the daemon's unique id of this IKE SA
 * @param state the daemon's state name, e.g. {@code ESTABLISHED}, {@code CONNECTING}
 * @param initiator true when this side initiated the SA
 * @param initiatorSpi the initiator's IKE SPI (16 hex digits)
 * @param responderSpi the responder's IKE SPI (16 hex digits; zeros while connecting)
 * @param establishedAt when the SA was established
 * @param rekeyAt when the IKE SA will be rekeyed, if scheduled
 * @param reauthAt when the peer will be re-authenticated, if scheduled
 */
public record IkeSaStatus(
    long uniqueId,
    String state,
    IkeVersion version,
    IpAddress localAddress,
    int localPort,
    IpAddress remoteAddress,
    int remotePort,
    String localId,
    String remoteId,
    boolean initiator,
    String initiatorSpi,
    String responderSpi,
    Optional<Proposal> proposal,
    Optional<Instant> establishedAt,
    Optional<Instant> rekeyAt,
    Optional<Instant> reauthAt,
    List<ChildSaStatus> childSas) {

  public IkeSaStatus {
    Require.nonNull("state", state);
    Require.nonNull("version", version);
    Require.nonNull("local-address", localAddress);
    Require.inRange("local-port", localPort, 0, 65535);
    Require.nonNull("remote-address", remoteAddress);
    Require.inRange("remote-port", remotePort, 0, 65535);
    Require.nonNull("local-id", localId);
    Require.nonNull("remote-id", remoteId);
    Spi.check("initiator-spi", initiatorSpi);
    Spi.check("responder-spi", responderSpi);
    Require.nonNull("proposal", proposal);
    Require.nonNull("established-at", establishedAt);
    Require.nonNull("rekey-at", rekeyAt);
    Require.nonNull("reauth-at", reauthAt);
    childSas = List.copyOf(Require.noNulls("child-sas", childSas));
  }
}
