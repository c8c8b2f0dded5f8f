package org.nsvpn.chainrules.status;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;

/**
 * The status of one IPsec site connection at one moment: the state, the reason it is not up, and
 * its SAs.
 *
 * <p>The state follows from the reason: a connection without a reason is {@link
 * ConnectionState#UP}, and that requires (checked here) an established IKE SA with an installed
 * child SA of the connection; otherwise the reason's code decides (see {@link ReasonCode#state()}).
 * So "up" can never be shown for an IKE SA without a child SA, and a reason can never be shown next
 * to "up".
 *
 * @param reason why the connection is not up; empty exactly when it is up
 * @param ikeSas the connection's IKE SAs, each with the connection's child SAs on it, best first
 *     (see {@link #ordered}). There can be more than one for a while: when both ends initiate at
 *     once, or while an IKE SA is being replaced.
 * @param retired the traffic of the connection's child SAs that are gone (rekeyed, closed,
 *     replaced) since its reporter began to watch it, so that {@link #counters()} never goes back
 * @param observedAt when the reporter computed this status
 */
public record ConnectionStatus(
    IpsecSiteConnectionId connection,
    Optional<Reason> reason,
    List<IkeSaStatus> ikeSas,
    SaCounters retired,
    Instant observedAt) {

  public ConnectionStatus {
    Require.nonNull("ipsec-site-connection", connection);
    Require.nonNull("reason", reason);
    ikeSas = List.copyOf(Require.noNulls("ike-sas", ikeSas));
    Require.nonNull("retired", retired);
    Require.nonNull("observed-at", observedAt);
    if (reason.isEmpty() && ikeSas.stream().noneMatch(ConnectionStatus::carriesTraffic)) {
      throw new InvalidValueException(
          "state",
          "up",
          "needs an established IKE SA with an installed child SA; give a reason otherwise");
    }
  }

  /** An up connection. */
  public static ConnectionStatus up(
      IpsecSiteConnectionId connection, List<IkeSaStatus> ikeSas, Instant at) {
    return new ConnectionStatus(connection, Optional.empty(), ikeSas, SaCounters.ZERO, at);
  }

  /** A connection that is not up, for {@code reason}. */
  public static ConnectionStatus notUp(
      IpsecSiteConnectionId connection, Reason reason, List<IkeSaStatus> ikeSas, Instant at) {
    return new ConnectionStatus(connection, Optional.of(reason), ikeSas, SaCounters.ZERO, at);
  }

  /** This status with the traffic of the connection's child SAs that are gone. */
  public ConnectionStatus withRetired(SaCounters gone) {
    return new ConnectionStatus(connection, reason, ikeSas, gone, observedAt);
  }

  /** True when {@code sa} is established and has an installed child SA. */
  public static boolean carriesTraffic(IkeSaStatus sa) {
    return sa.isEstablished() && !sa.installedChildren().isEmpty();
  }

  /**
   * {@code sas} best first: those carrying traffic, then established ones, then the newest (the
   * daemon's unique ids grow).
   */
  public static List<IkeSaStatus> ordered(List<IkeSaStatus> sas) {
    List<IkeSaStatus> out = new ArrayList<>(sas);
    out.sort(
        Comparator.comparing(ConnectionStatus::carriesTraffic)
            .thenComparing(IkeSaStatus::isEstablished)
            .thenComparingLong(IkeSaStatus::uniqueId)
            .reversed());
    return out;
  }

  public ConnectionState state() {
    return reason.map(Reason::state).orElse(ConnectionState.UP);
  }

  /** The best IKE SA, if any. */
  public Optional<IkeSaStatus> currentIkeSa() {
    return ikeSas.stream().findFirst();
  }

  /** The installed child SA that carries traffic now: the first of the best IKE SA, if any. */
  public Optional<ChildSaStatus> currentChildSa() {
    return ikeSas.stream().flatMap(sa -> sa.installedChildren().stream()).findFirst();
  }

  /**
   * The connection's traffic: the sum over every child SA of every IKE SA listed, whatever its
   * state, plus the traffic of the child SAs that are gone ({@link #retired()}). Each child SA is
   * counted once, so the sum only grows while one reporter watches the connection (across rekeys,
   * replacements and duplicates cleaned up). Every consumer (store, OVSDB, CLI) uses this one sum.
   */
  public SaCounters counters() {
    SaCounters sum = retired;
    for (IkeSaStatus ike : ikeSas) {
      for (ChildSaStatus child : ike.childSas()) {
        sum = sum.plus(child.counters());
      }
    }
    return sum;
  }

  /**
   * True when {@code other} describes the same situation: same reason and the same SAs in the same
   * states. Counters and times are ignored, so that a writer can tell changes from mere traffic.
   */
  public boolean sameSituationAs(ConnectionStatus other) {
    return other != null
        && connection.equals(other.connection)
        && reason.equals(other.reason)
        && situation().equals(other.situation());
  }

  private List<String> situation() {
    List<String> out = new ArrayList<>();
    for (IkeSaStatus sa : ikeSas) {
      out.add("ike " + sa.uniqueId() + " " + sa.state() + " " + sa.responderSpi());
      for (ChildSaStatus child : sa.childSas()) {
        out.add(
            "child "
                + child.uniqueId()
                + " "
                + child.state()
                + " "
                + child.spiIn()
                + " "
                + child.spiOut());
      }
    }
    return out;
  }
}
