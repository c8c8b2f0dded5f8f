package org.nsvpn.chainrules.status;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.model.IkeVersion;
import org.nsvpn.chainrules.net.IpAddress;

/**
 * One IKE SA of a connection, with the connection's child SAs on it, as the IKE daemon reports it.
 *
 * @param uniqueId the daemon's unique id of this IKE SA
 * @param state the daemon's state name, e.g. {@code CONNECTING}, {@code ESTABLISHED}, {@code
 *     REKEYING}, {@code REKEYED}, {@code DELETING}
 * @param initiator true when this side initiated the SA
 * @param initiatorSpi the initiator's IKE SPI (64 bits, unsigned)
 * @param responderSpi the responder's IKE SPI (0 while connecting)
 * @param proposal the negotiated algorithms, once negotiated
 * @param natDetected a NAT was detected between the peers, or UDP encapsulation is forced
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
    long initiatorSpi,
    long responderSpi,
    Optional<Proposal> proposal,
    boolean natDetected,
    Optional<Instant> establishedAt,
    Optional<Instant> rekeyAt,
    Optional<Instant> reauthAt,
    List<ChildSaStatus> childSas) {

  public IkeSaStatus {
    Require.inRange("unique-id", uniqueId, 0, 0xFFFF_FFFFL);
    Require.nonNull("state", state);
    Require.nonNull("version", version);
    Require.nonNull("local-address", localAddress);
    Require.inRange("local-port", localPort, 0, 65535);
    Require.nonNull("remote-address", remoteAddress);
    Require.inRange("remote-port", remotePort, 0, 65535);
    Require.nonNull("local-id", localId);
    Require.nonNull("remote-id", remoteId);
    Require.nonNull("proposal", proposal);
    Require.nonNull("established-at", establishedAt);
    Require.nonNull("rekey-at", rekeyAt);
    Require.nonNull("reauth-at", reauthAt);
    childSas = List.copyOf(Require.noNulls("child-sas", childSas));
  }

  /** True while the SA is usable: established, or established and being rekeyed. */
  public boolean isEstablished() {
    return state.equals("ESTABLISHED") || state.equals("REKEYING");
  }

  /** The installed child SAs on this IKE SA. */
  public List<ChildSaStatus> installedChildren() {
    return childSas.stream().filter(ChildSaStatus::isInstalled).toList();
  }

  /** This SA with other child SAs (an event changed them). */
  public IkeSaStatus withChildSas(List<ChildSaStatus> children) {
    return new IkeSaStatus(
        uniqueId,
        state,
        version,
        localAddress,
        localPort,
        remoteAddress,
        remotePort,
        localId,
        remoteId,
        initiator,
        initiatorSpi,
        responderSpi,
        proposal,
        natDetected,
        establishedAt,
        rekeyAt,
        reauthAt,
        children);
  }
}
