package org.nsvpn.strongswan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.model.Initiator;

/**
 * Computes connection statuses from what nsvpn configured, the latest list-sas and the errors
 * charon notified. Not thread-safe: confined to its instance's serial executor; {@link #snapshot()}
 * may be read from anywhere.
 *
 * <p>Rules: up when an established IKE SA has an installed child SA of the connection; otherwise
 * error when a failure is recorded; otherwise connecting while an IKE SA exists; otherwise down
 * (administratively, waiting for a response-only peer, or no SA). A failure is recorded from
 * error-notify and cleared when a new SA of the connection comes up or the connection is
 * reconfigured.
 */
final class StatusTracker {
  private static final class Entry {
    Optional<Initiator> initiator = Optional.empty();
    boolean adminDown;
    Optional<ConnectionError> error = Optional.empty();
  }

  private final Map<IpsecSiteConnectionId, Entry> entries = new LinkedHashMap<>();
  private final Map<IpsecSiteConnectionId, ConnectionStatus> published = new HashMap<>();
  private final Map<IpsecSiteConnectionId, ConnectionStatus> removed = new LinkedHashMap<>();
  private List<IkeSaStatus> sas = List.of();
  private Optional<ConnectionError> charonGone = Optional.empty();
  private boolean charonStopped;
  private volatile Map<IpsecSiteConnectionId, ConnectionStatus> snapshot = Map.of();

  /** A connection nsvpn configured (loaded, or administratively down when {@code adminDown}). */
  void configured(ConnectionSpec spec, boolean adminDown) {
    Entry entry = entries.computeIfAbsent(spec.id(), id -> new Entry());
    entry.initiator = Optional.of(spec.connection().initiator());
    entry.adminDown = adminDown;
  }

  /** A connection found loaded in an adopted charon, before nsvpn applied its spec. */
  void found(IpsecSiteConnectionId id) {
    entries.computeIfAbsent(id, i -> new Entry());
  }

  void removed(IpsecSiteConnectionId id) {
    if (entries.remove(id) != null) {
      removed.put(
          id,
          new ConnectionStatus(
              id,
              ConnectionState.DOWN,
              Optional.of("removed from charon"),
              Optional.empty(),
              List.of(),
              Instant.now()));
    }
  }

  boolean isTracked(IpsecSiteConnectionId id) {
    return entries.containsKey(id);
  }

  void error(IpsecSiteConnectionId id, ConnectionError error) {
    Entry entry = entries.get(id);
    if (entry != null) {
      entry.error = Optional.of(error);
    }
  }

  void clearError(IpsecSiteConnectionId id) {
    Entry entry = entries.get(id);
    if (entry != null) {
      entry.error = Optional.empty();
    }
  }

  void clearError(IpsecSiteConnectionId id, FailureKind kind) {
    Entry entry = entries.get(id);
    if (entry != null && entry.error.map(e -> e.kind() == kind).orElse(false)) {
      entry.error = Optional.empty();
    }
  }

  void sasListed(List<IkeSaStatus> listed) {
    sas = List.copyOf(listed);
  }

  /** charon ended by itself: every connection is in error with {@code why}. */
  void charonExited(ConnectionError why) {
    charonGone = Optional.of(why);
    sas = List.of();
  }

  /** charon was stopped on purpose: every connection is down. */
  void charonStopped(String why) {
    charonGone = Optional.of(new ConnectionError(FailureKind.OTHER, why, Instant.now()));
    charonStopped = true;
    sas = List.of();
  }

  /** True when list-sas showed any IKE SA of the connection. */
  boolean hasSa(IpsecSiteConnectionId id) {
    String name = ConnectionMapping.charonName(id);
    return sas.stream().anyMatch(sa -> sa.name().equals(name));
  }

  /**
   * The connections a notification is about: by IKE config name, or, when charon did not know the
   * config yet, every tracked connection whose IKE SA or configuration has that peer address.
   */
  List<IpsecSiteConnectionId> connectionsFor(
      ErrorNotification notification, Map<IpsecSiteConnectionId, String> peerAddresses) {
    Optional<IpsecSiteConnectionId> byName =
        ConnectionMapping.connectionId(notification.connectionName());
    if (byName.isPresent()) {
      return entries.containsKey(byName.get()) ? List.of(byName.get()) : List.of();
    }
    if (!notification.connectionName().isEmpty() || notification.peerIp().isEmpty()) {
      return List.of();
    }
    List<IpsecSiteConnectionId> out = new ArrayList<>();
    for (IpsecSiteConnectionId id : entries.keySet()) {
      if (notification.peerIp().equals(peerAddresses.get(id))) {
        out.add(id);
      }
    }
    return out;
  }

  Map<IpsecSiteConnectionId, ConnectionStatus> snapshot() {
    return snapshot;
  }

  /** Recomputes every status; returns those whose situation changed since the last call. */
  List<ConnectionStatus> publish(Instant now) {
    List<ConnectionStatus> changed = new ArrayList<>(removed.values());
    removed.keySet().forEach(published::remove);
    removed.clear();
    Map<IpsecSiteConnectionId, ConnectionStatus> next = new LinkedHashMap<>();
    entries.forEach(
        (id, entry) -> {
          ConnectionStatus status = compute(id, entry, now);
          next.put(id, status);
          if (!status.sameSituationAs(published.get(id))) {
            changed.add(status);
          }
          published.put(id, status);
        });
    snapshot = Map.copyOf(next);
    return changed;
  }

  private ConnectionStatus compute(IpsecSiteConnectionId id, Entry entry, Instant now) {
    if (charonGone.isPresent()) {
      ConnectionError gone = charonGone.get();
      return new ConnectionStatus(
          id,
          charonStopped ? ConnectionState.DOWN : ConnectionState.ERROR,
          Optional.of(charonStopped ? gone.message() : gone.reason()),
          charonStopped ? Optional.empty() : Optional.of(gone),
          List.of(),
          now);
    }
    if (entry.adminDown) {
      return status(id, ConnectionState.DOWN, "admin-state-up is false", entry, List.of(), now);
    }
    String name = ConnectionMapping.charonName(id);
    // Best first: with installed children, then established, then the newest.
    List<IkeSaStatus> mine =
        sas.stream()
            .filter(sa -> sa.name().equals(name))
            .sorted(
                Comparator.comparing((IkeSaStatus sa) -> !sa.installedChildren(name).isEmpty())
                    .thenComparing(IkeSaStatus::isEstablished)
                    .thenComparingLong(IkeSaStatus::uniqueId)
                    .reversed())
            .toList();
    Optional<IkeSaStatus> best = mine.stream().findFirst();
    if (best.isPresent()
        && best.get().isEstablished()
        && !best.get().installedChildren(name).isEmpty()) {
      return new ConnectionStatus(id, ConnectionState.UP, Optional.empty(), entry.error, mine, now);
    }
    if (entry.error.isPresent()) {
      return status(id, ConnectionState.ERROR, entry.error.get().reason(), entry, mine, now);
    }
    if (best.isPresent()) {
      IkeSaStatus sa = best.get();
      String reason =
          sa.isEstablished()
              ? "IKE SA established, no child SA installed yet"
              : "IKE SA " + sa.state().toLowerCase(java.util.Locale.ROOT);
      return status(id, ConnectionState.CONNECTING, reason, entry, mine, now);
    }
    if (entry.initiator.equals(Optional.of(Initiator.RESPONSE_ONLY))) {
      return status(id, ConnectionState.DOWN, "waiting for the peer to initiate", entry, mine, now);
    }
    return status(id, ConnectionState.DOWN, "no IKE SA", entry, mine, now);
  }

  private static ConnectionStatus status(
      IpsecSiteConnectionId id,
      ConnectionState state,
      String reason,
      Entry entry,
      List<IkeSaStatus> sas,
      Instant now) {
    return new ConnectionStatus(id, state, Optional.of(reason), entry.error, sas, now);
  }
}
