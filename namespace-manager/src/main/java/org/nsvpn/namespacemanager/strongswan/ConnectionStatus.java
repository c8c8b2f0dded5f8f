package org.nsvpn.namespacemanager.strongswan;

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
 * @param ikeSa the connection's current IKE SA with its child SAs, if any
 * @param observedAt when this was computed
 */
public record ConnectionStatus(
    IpsecSiteConnectionId connection,
    ConnectionState state,
    Optional<String> reason,
    Optional<ConnectionError> error,
    Optional<IkeSaStatus> ikeSa,
    Instant observedAt) {

  public ConnectionStatus {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(ikeSa, "ikeSa");
    Objects.requireNonNull(observedAt, "observedAt");
  }

  /** The installed child SAs of this connection. */
  public List<ChildSaStatus> childSas() {
    String name = ConnectionMapping.charonName(connection);
    return ikeSa.map(sa -> sa.installedChildren(name)).orElse(List.of());
  }

  /** Counters summed over the installed child SAs. */
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
    return ikeSa
        .map(
            sa -> {
              List<String> out = new java.util.ArrayList<>();
              out.add(sa.state() + ":" + sa.initiatorSpi() + "/" + sa.responderSpi());
              for (ChildSaStatus child : sa.childSas()) {
                out.add(child.state() + ":" + child.spiIn() + "/" + child.spiOut());
              }
              return out;
            })
        .orElse(List.of());
  }
}
