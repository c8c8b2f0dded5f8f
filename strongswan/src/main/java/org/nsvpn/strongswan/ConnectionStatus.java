package org.nsvpn.strongswan;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;

/**
 * The status of one site connection at one moment.
 *
 * @param connection the connection
 * @param state down, connecting, up or error
 * @param reason why it is not up (empty when up)
 * @param error the last failure charon reported, kept until a new SA comes up or the connection is
 *     reconfigured; present with state {@link ConnectionState#ERROR}, and possibly with others
 * @param ikeSas the connection's IKE SAs with their child SAs, the current one first. There can be
 *     more than one for a while: when both ends initiate at once, each keeps the IKE SA it
 *     initiated and the one it answered until one of them is rekeyed or deleted, and traffic may
 *     use either.
 * @param observedAt when this was computed
 */
public record ConnectionStatus(
    IpsecSiteConnectionId connection,
    ConnectionState state,
    Optional<String> reason,
    Optional<ConnectionError> error,
    List<IkeSaStatus> ikeSas,
    Instant observedAt) {

  public ConnectionStatus {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(error, "error");
    ikeSas = List.copyOf(ikeSas);
    Objects.requireNonNull(observedAt, "observedAt");
  }

  /** The current IKE SA, if any. */
  public Optional<IkeSaStatus> ikeSa() {
    return ikeSas.stream().findFirst();
  }

  /** The installed child SAs of this connection, those of the current IKE SA first. */
  public List<ChildSaStatus> childSas() {
    String name = ConnectionMapping.charonName(connection);
    return ikeSas.stream().flatMap(sa -> sa.installedChildren(name).stream()).toList();
  }

  /** Counters summed over the installed child SAs of every IKE SA. */
  public SaCounters counters() {
    return childSas().stream()
        .map(ChildSaStatus::counters)
        .reduce(SaCounters.ZERO, SaCounters::plus);
  }

  /**
   * True when {@code other} describes the same situation: same state, reason, error and SAs (by
   * SPI). Counters and times are ignored, so listeners hear of changes, not of traffic.
   */
  public boolean sameSituationAs(ConnectionStatus other) {
    return other != null
        && state == other.state
        && reason.equals(other.reason)
        && error.equals(other.error)
        && spis().equals(other.spis());
  }

  private List<String> spis() {
    List<String> out = new java.util.ArrayList<>();
    for (IkeSaStatus sa : ikeSas) {
      out.add(sa.state() + ":" + sa.initiatorSpi() + "/" + sa.responderSpi());
      for (ChildSaStatus child : sa.childSas()) {
        out.add(child.state() + ":" + child.spiIn() + "/" + child.spiOut());
      }
    }
    return out;
  }
}
