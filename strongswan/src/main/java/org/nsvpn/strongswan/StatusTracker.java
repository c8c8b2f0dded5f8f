package org.nsvpn.strongswan;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.model.Initiator;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.chainrules.status.IkeSaStatus;
import org.nsvpn.chainrules.status.Reason;
import org.nsvpn.chainrules.status.ReasonCode;

/**
 * The status of every connection of one charon, computed from what nsvpn configured, the SAs charon
 * has ({@link SaTable}, kept current by events) and the failures it learned.
 *
 * <p>Rules. A connection is up when an established IKE SA carries an installed child SA of it.
 * Otherwise its reason is, in this order: charon gone; administratively down; its recorded failure;
 * an IKE SA being negotiated or established without a child SA; waiting for a response-only peer;
 * nothing yet. A failure is recorded from error-notify ({@link FailureClassifier}) or by the owner
 * (a refused configuration). It describes the current state or nothing: a failure that arrives
 * while the connection is up is ignored (a stray attempt beside a working SA), except dead peer
 * detection, which announces the end of the working SA; such a failure is kept only if the
 * connection goes down within {@value #DOWN_AFTER_SECONDS} s. A working tunnel clears failures, and
 * so does a change of the connection.
 *
 * <p>Retries: each failure that a new attempt should wait for counts once per attempt and sets the
 * time before which nsvpn does not initiate the connection again ({@link Backoff}).
 *
 * <p>Not thread-safe: confined to its instance's serial executor; {@link #snapshot()} may be read
 * from anywhere.
 */
final class StatusTracker {
  static final long DOWN_AFTER_SECONDS = 5;

  /**
   * After nsvpn initiated a connection, how long it waits for the attempt to end (the connection
   * up, or a failure) before it would initiate again.
   */
  static final Duration INITIATION_PENDING = Duration.ofSeconds(30);

  private static final class Entry {
    Optional<ConnectionSpec> spec = Optional.empty();
    boolean adminDown;
    Optional<Failure> failure = Optional.empty();
    int failures;
    boolean failureCounted;
    Optional<Instant> retryAt = Optional.empty();
    boolean wasUp;
    Optional<Instant> initiatedAt = Optional.empty();
    final Set<Long> supersededIke = new HashSet<>();
    final Set<Long> supersededChildren = new HashSet<>();
    Optional<Instant> supersededAt = Optional.empty();
    long configVersion;
    long initiatedVersion;
    List<IkeSaStatus> recentlyGone = List.of();
    Instant goneAt = Instant.EPOCH;
  }

  private final SaTable table = new SaTable();
  private final Backoff backoff;
  private final Map<IpsecSiteConnectionId, Entry> entries = new LinkedHashMap<>();
  private final Map<IpsecSiteConnectionId, ConnectionStatus> published = new HashMap<>();
  private Optional<Reason> gone = Optional.empty();
  private volatile Map<IpsecSiteConnectionId, ConnectionStatus> snapshot = Map.of();

  StatusTracker(Backoff backoff) {
    this.backoff = backoff;
  }

  SaTable table() {
    return table;
  }

  // ---- what nsvpn configured --------------------------------------------------------------------

  /**
   * A connection nsvpn configured (loaded, or administratively down). A changed connection starts
   * afresh: its failure and failure count are forgotten.
   */
  void configured(ConnectionSpec spec, boolean adminDown) {
    Entry entry = entries.computeIfAbsent(spec.id(), id -> new Entry());
    if (!entry.spec.equals(Optional.of(spec)) || entry.adminDown != adminDown) {
      entry.failure = Optional.empty();
      entry.failures = 0;
      entry.failureCounted = false;
      entry.retryAt = Optional.empty();
    }
    entry.spec = Optional.of(spec);
    entry.adminDown = adminDown;
  }

  /**
   * Something nsvpn sends to charon for {@code id} changed (its key, say): a failure of the old
   * settings says nothing about the new ones, and the connection may be tried again at once.
   */
  void changed(IpsecSiteConnectionId id) {
    Entry entry = entries.get(id);
    if (entry != null) {
      entry.failure = Optional.empty();
      entry.failures = 0;
      entry.failureCounted = false;
      entry.retryAt = Optional.empty();
      entry.initiatedAt = Optional.empty();
    }
  }

  /** A connection found loaded in an adopted charon, before nsvpn applied its spec. */
  void found(IpsecSiteConnectionId id) {
    entries.computeIfAbsent(id, i -> new Entry());
  }

  /** Stops tracking {@code id}; its last status is not published again. */
  void removed(IpsecSiteConnectionId id) {
    entries.remove(id);
    published.remove(id);
  }

  boolean isTracked(IpsecSiteConnectionId id) {
    return entries.containsKey(id);
  }

  Set<IpsecSiteConnectionId> tracked() {
    return Set.copyOf(entries.keySet());
  }

  Optional<ConnectionSpec> spec(IpsecSiteConnectionId id) {
    Entry e = entries.get(id);
    return e == null ? Optional.empty() : e.spec;
  }

  // ---- failures ---------------------------------------------------------------------------------

  /** Records a failure of {@code id} (see the class comment for when it is ignored). */
  void failed(IpsecSiteConnectionId id, Reason reason, Instant now) {
    Entry entry = entries.get(id);
    if (entry == null) {
      return;
    }
    boolean up = isUp(id);
    if (up && reason.code() != ReasonCode.DEAD_PEER) {
      return;
    }
    Failure failure = new Failure(reason, now, up);
    entry.failure = Optional.of(failure);
    entry.initiatedAt = Optional.empty();
    if (failure.delaysRetry() && !entry.failureCounted) {
      entry.failureCounted = true;
      entry.failures++;
      entry.retryAt = Optional.of(now.plus(backoff.after(entry.failures)));
    }
  }

  /** Forgets the failure of {@code id} if it has one of {@code codes}. */
  void clearFailure(IpsecSiteConnectionId id, Set<ReasonCode> codes) {
    Entry entry = entries.get(id);
    if (entry != null && entry.failure.map(f -> codes.contains(f.code())).orElse(false)) {
      entry.failure = Optional.empty();
    }
  }

  /** Applies an error notification to the connections it concerns. */
  void notified(
      ErrorNotification n, Map<IpsecSiteConnectionId, String> peerAddresses, Instant now) {
    for (IpsecSiteConnectionId id : connectionsFor(n, peerAddresses)) {
      Entry entry = entries.get(id);
      if (entry == null || entry.spec.isEmpty()) {
        continue;
      }
      // The notification of a dead peer may trail the event that removed its SA.
      List<IkeSaStatus> sas = new ArrayList<>(sas(id));
      if (entry.goneAt.isAfter(now.minusSeconds(DOWN_AFTER_SECONDS))) {
        sas.addAll(entry.recentlyGone);
      }
      FailureClassifier.Verdict verdict =
          FailureClassifier.classify(n, entry.spec.get(), sas, entry.failure, now);
      if (verdict instanceof FailureClassifier.Verdict.Fail fail) {
        failed(id, fail.reason(), now);
      } else if (verdict instanceof FailureClassifier.Verdict.Clear clear) {
        clearFailure(id, clear.codes());
      }
    }
  }

  /**
   * The connections a notification is about: by IKE config name, or, when charon did not know the
   * config yet, every tracked connection whose peer address it names.
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

  // ---- SAs and initiation -----------------------------------------------------------------------

  /** The connection's IKE SAs with its child SAs, best first. */
  List<IkeSaStatus> sas(IpsecSiteConnectionId id) {
    return ConnectionStatus.ordered(table.of(ConnectionMapping.charonName(id)));
  }

  boolean isUp(IpsecSiteConnectionId id) {
    return gone.isEmpty()
        && entries.containsKey(id)
        && !entries.get(id).adminDown
        && sas(id).stream().anyMatch(ConnectionStatus::carriesTraffic);
  }

  /**
   * True when nsvpn should initiate {@code id} now: it initiates, is loaded and enabled, is not up,
   * and either has no SA at all or only an established IKE SA whose child SA failed; and its retry
   * time, if any, has come.
   */
  boolean dueForInitiation(IpsecSiteConnectionId id, Instant now) {
    Entry e = entries.get(id);
    if (e == null
        || gone.isPresent()
        || e.adminDown
        || e.spec.isEmpty()
        || e.spec.get().connection().initiator() != Initiator.BI_DIRECTIONAL
        || isUp(id)) {
      return false;
    }
    if (e.retryAt.isPresent() && now.isBefore(e.retryAt.get())) {
      return false;
    }
    List<IkeSaStatus> sas = sas(id);
    if (e.initiatedAt.isPresent() && now.isBefore(e.initiatedAt.get().plus(INITIATION_PENDING))) {
      // The attempt nsvpn started has not ended (up, or a failure) yet.
      return false;
    }
    if (sas.isEmpty()) {
      return true;
    }
    boolean childFailed = e.failure.map(Failure::delaysRetry).orElse(false);
    return childFailed && sas.stream().allMatch(IkeSaStatus::isEstablished);
  }

  /** IKE SAs an event took away, remembered a few seconds for notifications that trail it. */
  void gone(List<SaParser.Listed> sas, Instant now) {
    for (SaParser.Listed l : sas) {
      ConnectionMapping.connectionId(l.config())
          .map(entries::get)
          .ifPresent(
              e -> {
                e.recentlyGone = List.of(l.sa());
                e.goneAt = now;
              });
    }
  }

  /** nsvpn initiated {@code id}: a failure of this attempt counts again. */
  void initiated(IpsecSiteConnectionId id, Instant now) {
    Entry e = entries.get(id);
    if (e != null) {
      e.failureCounted = false;
      e.initiatedAt = Optional.of(now);
    }
  }

  /**
   * An initiate of {@code id} goes to charon now, after every load of the connection sent before it
   * was answered (see {@link ConnectionApplier}): the SA it makes runs the latest configuration.
   */
  void initiationSent(IpsecSiteConnectionId id) {
    Entry e = entries.get(id);
    if (e != null) {
      e.initiatedVersion = e.configVersion;
    }
  }

  /**
   * charon loaded a configuration of {@code id} that needs new SAs. Together with {@link
   * #initiationSent} this tells whether the SA nsvpn initiated last runs the latest one.
   */
  void configurationLoaded(IpsecSiteConnectionId id) {
    Entry e = entries.get(id);
    if (e != null) {
      e.configVersion++;
    }
  }

  /**
   * True when {@code id} initiates, is not being replaced, carries traffic, and nsvpn's last
   * initiation of it was sent before its latest configuration was loaded: the working SA runs an
   * older configuration (a change arrived during a replacement) and is to be replaced again.
   */
  boolean owesReplacement(IpsecSiteConnectionId id) {
    Entry e = entries.get(id);
    return e != null
        && e.initiatedVersion < e.configVersion
        && e.supersededAt.isEmpty()
        && e.spec.map(s -> s.connection().initiator() == Initiator.BI_DIRECTIONAL).orElse(false)
        && table.of(ConnectionMapping.charonName(id)).stream()
            .anyMatch(ConnectionStatus::carriesTraffic);
  }

  /** The earliest time a connection waits for before it may be initiated again. */
  Optional<Instant> nextRetry() {
    return entries.values().stream().flatMap(e -> e.retryAt.stream()).min(Instant::compareTo);
  }

  /**
   * The connection's configuration changed in a way that needs new SAs: the SAs it has now are
   * replaced once a new one works (or the new configuration failed).
   */
  void supersede(IpsecSiteConnectionId id, Instant now) {
    Entry e = entries.get(id);
    if (e == null) {
      return;
    }
    for (IkeSaStatus sa : table.of(ConnectionMapping.charonName(id))) {
      e.supersededIke.add(sa.uniqueId());
      sa.childSas().forEach(c -> e.supersededChildren.add(c.uniqueId()));
    }
    e.supersededAt = e.supersededIke.isEmpty() ? Optional.empty() : Optional.of(now);
  }

  /** The SAs of {@code id} that a change superseded, for {@link SaHousekeeper}. */
  SaHousekeeper.Superseded superseded(IpsecSiteConnectionId id) {
    Entry e = entries.get(id);
    if (e == null || e.supersededAt.isEmpty()) {
      return SaHousekeeper.Superseded.NONE;
    }
    boolean failedSince = e.failure.map(f -> !f.at().isBefore(e.supersededAt.get())).orElse(false);
    return new SaHousekeeper.Superseded(
        Set.copyOf(e.supersededIke), Set.copyOf(e.supersededChildren), failedSince);
  }

  /** True while SAs superseded by a change wait for their replacement. */
  boolean replacing(IpsecSiteConnectionId id) {
    Entry e = entries.get(id);
    return e != null && e.supersededAt.isPresent();
  }

  /** The superseded SAs were terminated (or are gone). */
  void supersededDone(IpsecSiteConnectionId id) {
    Entry e = entries.get(id);
    if (e != null) {
      e.supersededIke.clear();
      e.supersededChildren.clear();
      e.supersededAt = Optional.empty();
    }
  }

  // ---- charon itself ----------------------------------------------------------------------------

  /** charon ended by itself: every connection is in error with {@code why}. */
  void charonExited(String why) {
    gone = Optional.of(Reason.of(ReasonCode.CHARON_EXITED, why));
    table.clear();
  }

  /** charon was stopped on purpose: every connection is down. */
  void charonStopped(String why) {
    gone = Optional.of(Reason.of(ReasonCode.CHARON_STOPPED, why));
    table.clear();
  }

  // ---- statuses ---------------------------------------------------------------------------------

  Map<IpsecSiteConnectionId, ConnectionStatus> snapshot() {
    return snapshot;
  }

  /** The latest status of every connection (after {@link #publish}). */
  Collection<ConnectionStatus> current() {
    return snapshot.values();
  }

  /** Recomputes every status; returns those whose situation changed since the last call. */
  List<ConnectionStatus> publish(Instant now) {
    List<ConnectionStatus> changed = new ArrayList<>();
    table.keepRetiredOf(
        entries.keySet().stream().map(ConnectionMapping::charonName).collect(Collectors.toSet()));
    Map<IpsecSiteConnectionId, ConnectionStatus> next = new LinkedHashMap<>();
    entries.forEach(
        (id, entry) -> {
          ConnectionStatus status =
              compute(id, entry, now).withRetired(table.retired(ConnectionMapping.charonName(id)));
          next.put(id, status);
          if (!status.sameSituationAs(published.get(id))) {
            changed.add(status);
            published.put(id, status);
          }
        });
    snapshot = Map.copyOf(next);
    return changed;
  }

  private ConnectionStatus compute(IpsecSiteConnectionId id, Entry entry, Instant now) {
    if (gone.isPresent()) {
      return ConnectionStatus.notUp(id, gone.get(), List.of(), now);
    }
    if (entry.adminDown) {
      return ConnectionStatus.notUp(id, Reason.of(ReasonCode.ADMIN_DOWN), List.of(), now);
    }
    List<IkeSaStatus> sas = sas(id);
    Duration recent = Duration.ofSeconds(DOWN_AFTER_SECONDS);
    if (sas.stream().anyMatch(ConnectionStatus::carriesTraffic)) {
      entry.wasUp = true;
      entry.initiatedAt = Optional.empty();
      boolean deathAnnounced =
          entry.failure.map(f -> f.whileUp() && f.at().isAfter(now.minus(recent))).orElse(false);
      if (!deathAnnounced) {
        entry.failure = Optional.empty();
        entry.failures = 0;
        entry.retryAt = Optional.empty();
      }
      return ConnectionStatus.up(id, sas, now);
    }
    if (entry.wasUp) {
      entry.wasUp = false;
      if (entry.failure.map(f -> f.whileUp() && !f.at().isAfter(now.minus(recent))).orElse(false)) {
        entry.failure = Optional.empty();
      }
    }
    if (entry.failure.isPresent()) {
      return ConnectionStatus.notUp(id, withRetry(entry), sas, now);
    }
    if (!sas.isEmpty()) {
      IkeSaStatus best = sas.get(0);
      return ConnectionStatus.notUp(
          id,
          best.isEstablished()
              ? Reason.of(ReasonCode.NO_CHILD_SA)
              : Reason.of(
                  ReasonCode.NEGOTIATING,
                  "IKE SA " + best.state().toLowerCase(java.util.Locale.ROOT)),
          sas,
          now);
    }
    boolean responder =
        entry.spec.map(s -> s.connection().initiator() == Initiator.RESPONSE_ONLY).orElse(false);
    return ConnectionStatus.notUp(
        id,
        Reason.of(responder ? ReasonCode.WAITING_FOR_PEER : ReasonCode.NOT_ESTABLISHED),
        sas,
        now);
  }

  /** The failure's reason, with when nsvpn tries again if it will. */
  private static Reason withRetry(Entry entry) {
    Reason reason = entry.failure.orElseThrow().reason();
    boolean initiates =
        entry.spec.map(s -> s.connection().initiator() == Initiator.BI_DIRECTIONAL).orElse(false);
    if (!initiates || entry.retryAt.isEmpty()) {
      return reason;
    }
    String text =
        reason.text()
            + "; attempt "
            + entry.failures
            + ", next at "
            + entry.retryAt.get().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    return text.length() <= Reason.MAX_TEXT ? new Reason(reason.code(), text) : reason;
  }
}
