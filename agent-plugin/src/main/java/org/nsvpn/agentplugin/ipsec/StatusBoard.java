package org.nsvpn.agentplugin.ipsec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.ovsdb.ipsec.IpsecStatusSnapshot;
import org.nsvpn.topology.status.ServiceState;

/**
 * The latest status of every connection this agent runs, with its OVSDB policy name: written by the
 * router actors, read by the OVSDB publisher at each refresh (one transaction). Thread-safe.
 *
 * <p>A change of a connection's situation (state, reason, SAs) asks the publisher to publish at
 * once; counters alone wait for the publisher's refresh interval.
 *
 * <p>The board also holds each service's own situation (namespace and charon up, charon starts) for
 * the per-service metrics ({@link ServiceMetrics}).
 *
 * <p>Publish only what is known. Until the agent has seen its first topology the snapshot is
 * partial (no row is deleted: an agent that just restarted does not know yet which connections it
 * serves). After that, a connection a router actor announced but has not reported on yet (its
 * charon is being started or adopted) keeps its row as it was.
 */
final class StatusBoard {
  private record Row(String policyName, ConnectionStatus status) {}

  /**
   * A service as its router actor last reported it.
   *
   * @param charonRestarts how many times a charon other than the first one seen ran for the service
   *     on this agent (a crash and restart, or a restart after the namespace was rebuilt)
   */
  record ServiceRow(
      VpnServiceId service,
      ServiceState state,
      boolean namespaceUp,
      boolean charonUp,
      long charonRestarts,
      Optional<Long> lastCharonPid) {}

  private final Map<VpnServiceId, ServiceRow> services = new ConcurrentHashMap<>();

  private final Map<IpsecSiteConnectionId, Row> connections = new ConcurrentHashMap<>();
  private final Map<IpsecSiteConnectionId, String> announced = new ConcurrentHashMap<>();
  private volatile boolean complete;
  private final Runnable situationChanged;

  /** A board that calls {@code situationChanged} when a connection's situation changed. */
  StatusBoard(Runnable situationChanged) {
    this.situationChanged = situationChanged;
  }

  /**
   * The OVSDB row key of a connection: {@code service.connection} when that fits the 63 characters
   * of a policy name, else {@code conn-} and the connection id's 32 hex digits.
   */
  static String policyName(VpnService service, IpsecSiteConnection connection) {
    String name = service.name() + "." + connection.name();
    return name.length() <= 63 ? name : "conn-" + connection.id().hex();
  }

  /** The agent knows which services it serves: rows it does not name may be deleted now. */
  void complete() {
    complete = true;
  }

  /** Connections whose rows stay as they are until their first report. */
  void announce(Map<IpsecSiteConnectionId, String> policyNames) {
    policyNames.forEach(
        (id, name) -> {
          if (!connections.containsKey(id)) {
            announced.put(id, name);
          }
        });
  }

  void put(String policyName, ConnectionStatus status) {
    Row before = connections.put(status.connection(), new Row(policyName, status));
    announced.remove(status.connection());
    if (before == null || !status.sameSituationAs(before.status())) {
      situationChanged.run();
    }
  }

  void remove(IpsecSiteConnectionId connection) {
    connections.remove(connection);
    announced.remove(connection);
  }

  /**
   * Records a service's situation; a charon pid different from the last one seen counts a restart.
   */
  void putService(
      VpnServiceId service, ServiceState state, boolean namespaceUp, Optional<Long> charonPid) {
    services.compute(
        service,
        (id, before) -> {
          Optional<Long> last = before == null ? Optional.empty() : before.lastCharonPid();
          long restarts = before == null ? 0 : before.charonRestarts();
          if (charonPid.isPresent() && last.isPresent() && !charonPid.equals(last)) {
            restarts++;
          }
          return new ServiceRow(
              id,
              state,
              namespaceUp,
              charonPid.isPresent(),
              restarts,
              charonPid.isPresent() ? charonPid : last);
        });
  }

  /** Forgets a service this agent no longer runs (torn down, or moved to another host). */
  void removeService(VpnServiceId service) {
    services.remove(service);
  }

  /** Every service on the board (for the metrics). */
  List<ServiceRow> services() {
    return List.copyOf(services.values());
  }

  /** The latest status of every connection on the board (for the metrics). */
  List<ConnectionStatus> statuses() {
    return connections.values().stream().map(Row::status).toList();
  }

  /** What the publisher writes: every connection's row; no manual SA or SP rows. */
  IpsecStatusSnapshot snapshot() {
    Map<String, ConnectionStatus> rows = new LinkedHashMap<>();
    connections.values().forEach(r -> rows.put(r.policyName(), r.status()));
    IpsecStatusSnapshot snapshot = IpsecStatusSnapshot.of(rows, List.of(), List.of());
    if (!complete) {
      return snapshot.asPartial();
    }
    Set<String> waiting =
        announced.values().stream().filter(n -> !rows.containsKey(n)).collect(Collectors.toSet());
    return snapshot.retaining(waiting);
  }
}
