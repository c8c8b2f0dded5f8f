package org.nsvpn.strongswan;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.model.AuthMethod;
import org.nsvpn.chainrules.model.Initiator;
import org.nsvpn.chainrules.status.IkeSaStatus;
import org.nsvpn.chainrules.status.Reason;
import org.nsvpn.chainrules.status.ReasonCode;
import org.nsvpn.strongswan.vici.ViciMessageCodec;
import org.nsvpn.strongswan.vici.ViciSection;
import org.nsvpn.strongswan.vici.ViciSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes one charon run exactly the connections nsvpn wants, changing only what differs, and
 * initiates the connections that are due. Confined to its instance's serial executor; nothing here
 * blocks (every VICI command returns a future).
 *
 * <p>A connection is reloaded only when its {@code load-conn} message changed (compared by digest);
 * its PSK or private key only when the key changed (a salted digest kept in memory). A private key
 * shared by several connections is unloaded when the last of them goes. The CAs charon trusts are
 * exactly those of the enabled certificate connections, loaded before the connections. An SA keeps
 * the configuration it was negotiated with, also across rekeys (strongSwan 5.9, verified): a
 * reloaded connection takes effect only in new SAs. So a reload replaces the connection's SAs: for
 * a connection that initiates, a new SA is negotiated first and the old ones are terminated once it
 * works ({@link SaHousekeeper}), so traffic does not stop; a response-only connection's old SAs are
 * terminated at once and the peer negotiates again. A changed PSK alone touches no SA (it is used
 * at the next authentication).
 *
 * <p>Connections are loaded with {@code start_action = trap} only (see {@link ConnectionMapping}):
 * nsvpn initiates them itself, when they are due ({@link StatusTracker#dueForInitiation}) and only
 * once the caller has made the path to the peer exist (the caller applies after that).
 */
final class ConnectionApplier {
  private static final Logger log = LoggerFactory.getLogger(ConnectionApplier.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What nsvpn loaded for a connection. */
  private record Applied(ConnectionSpec spec, String configDigest, String keyDigest) {}

  private final String namespace;
  private final ViciSession vici;
  private final StatusTracker tracker;
  private final byte[] keySalt = new byte[32];
  private final Map<IpsecSiteConnectionId, Applied> applied = new LinkedHashMap<>();
  private final Map<IpsecSiteConnectionId, String> peerAddresses = new HashMap<>();
  private final Map<IpsecSiteConnectionId, CompletableFuture<?>> lastCommand = new HashMap<>();

  /** charon's identifier of each certificate connection's private key. */
  private final Map<IpsecSiteConnectionId, String> keyIds = new ConcurrentHashMap<>();

  /** The digest of each authority nsvpn loaded, by authority name. */
  private final Map<String, String> authorities = new ConcurrentHashMap<>();

  private boolean reconciled;
  private boolean authoritiesReconciled;

  ConnectionApplier(String namespace, ViciSession vici, StatusTracker tracker) {
    this.namespace = namespace;
    this.vici = vici;
    this.tracker = tracker;
    RANDOM.nextBytes(keySalt);
  }

  /** Peer address of every configured connection, to attribute notifications without a name. */
  Map<IpsecSiteConnectionId, String> peerAddresses() {
    return peerAddresses;
  }

  /**
   * Applies {@code desired}; {@code configs} holds the load-conn message of each enabled one and
   * {@code psks} its key, which this zeroes. The first apply asks charon what it has loaded (an
   * adopted charon may hold connections since removed).
   */
  CompletableFuture<ApplyResult> apply(
      Map<IpsecSiteConnectionId, ConnectionSpec> desired,
      Map<IpsecSiteConnectionId, ViciSection> configs,
      Map<IpsecSiteConnectionId, byte[]> psks) {
    CompletableFuture<Set<IpsecSiteConnectionId>> present =
        reconciled
            ? CompletableFuture.completedFuture(new HashSet<>(applied.keySet()))
            : vici.getConns().thenApply(ConnectionApplier::ours);
    CompletableFuture<Set<String>> keysBefore =
        reconciled
            ? CompletableFuture.completedFuture(Set.of())
            : vici.getKeys().<Set<String>>thenApply(HashSet::new).exceptionally(e -> Set.of());
    List<ConnectionSpec> enabled =
        desired.values().stream().filter(spec -> configs.containsKey(spec.id())).toList();
    return present.thenCompose(
        loaded ->
            keysBefore.thenCompose(
                stale ->
                    syncAuthorities(enabled)
                        .thenCompose(v -> sendChanges(desired, configs, psks, loaded))
                        .thenCompose(result -> unloadStaleKeys(stale).thenApply(v -> result))));
  }

  /**
   * Makes charon trust exactly the CAs of the enabled certificate connections: loads the new and
   * changed authorities, unloads the ones nsvpn loaded that no connection needs any more (also
   * those an adopted charon still has from before). A failure is logged; the connections that
   * needed the authority then fail to authenticate and say so.
   */
  private CompletableFuture<Void> syncAuthorities(List<ConnectionSpec> enabled) {
    Map<String, ViciSection> wanted = ConnectionMapping.loadAuthorities(enabled);
    CompletableFuture<Set<String>> present =
        authoritiesReconciled
            ? CompletableFuture.completedFuture(new HashSet<>(authorities.keySet()))
            : vici.getAuthorities()
                .<Set<String>>thenApply(
                    names -> {
                      Set<String> ours = new HashSet<>();
                      names.stream().filter(ConnectionMapping::isAuthorityName).forEach(ours::add);
                      return ours;
                    })
                .exceptionally(e -> new HashSet<>());
    return present.thenCompose(
        loaded -> {
          authoritiesReconciled = true;
          List<CompletableFuture<Void>> sent = new ArrayList<>();
          for (Map.Entry<String, ViciSection> entry : wanted.entrySet()) {
            String name = entry.getKey();
            String digest = digest(entry.getValue());
            if (digest.equals(authorities.get(name))) {
              continue;
            }
            sent.add(
                vici.loadAuthority(entry.getValue())
                    .handle(
                        (ok, failure) -> {
                          if (failure == null) {
                            authorities.put(name, digest);
                          } else {
                            log.warn(
                                "namespace {}: loading authority {} failed: {}",
                                namespace,
                                name,
                                message(failure));
                          }
                          return null;
                        }));
          }
          Set<String> remove = new HashSet<>(loaded);
          remove.addAll(authorities.keySet());
          remove.removeAll(wanted.keySet());
          for (String name : remove) {
            authorities.remove(name);
            sent.add(vici.unloadAuthority(name).handle((ok, failure) -> null));
          }
          return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
        });
  }

  /** Unloads private keys an adopted charon holds that no connection uses any more. */
  private CompletableFuture<Void> unloadStaleKeys(Set<String> before) {
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    for (String keyId : before) {
      if (!keyIds.containsValue(keyId)) {
        sent.add(vici.unloadKey(keyId).handle((ok, failure) -> null));
      }
    }
    return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
  }

  /** Unloads private key {@code keyId} unless another connection still uses it. */
  private CompletableFuture<Void> release(String keyId) {
    if (keyId == null || keyId.isEmpty() || keyIds.containsValue(keyId)) {
      return CompletableFuture.completedFuture(null);
    }
    return vici.unloadKey(keyId).handle((ok, failure) -> null);
  }

  /** The connections nsvpn made among charon's config names. */
  static Set<IpsecSiteConnectionId> ours(List<String> names) {
    Set<IpsecSiteConnectionId> out = new HashSet<>();
    for (String name : names) {
      ConnectionMapping.connectionId(name).ifPresent(out::add);
    }
    return out;
  }

  private CompletableFuture<ApplyResult> sendChanges(
      Map<IpsecSiteConnectionId, ConnectionSpec> desired,
      Map<IpsecSiteConnectionId, ViciSection> configs,
      Map<IpsecSiteConnectionId, byte[]> psks,
      Set<IpsecSiteConnectionId> loaded) {
    reconciled = true;
    List<IpsecSiteConnectionId> loadedNow = new ArrayList<>();
    List<IpsecSiteConnectionId> unloaded = new ArrayList<>();
    List<IpsecSiteConnectionId> unchanged = new ArrayList<>();
    List<IpsecSiteConnectionId> keysReloaded = new ArrayList<>();
    List<IpsecSiteConnectionId> renegotiate = new ArrayList<>();
    Map<IpsecSiteConnectionId, String> failed = new LinkedHashMap<>();
    List<CompletableFuture<Void>> sent = new ArrayList<>();

    Set<IpsecSiteConnectionId> remove = new HashSet<>(loaded);
    remove.addAll(applied.keySet());
    remove.removeAll(configs.keySet());
    for (IpsecSiteConnectionId id : remove) {
      String name = ConnectionMapping.charonName(id);
      List<IkeSaStatus> sas = tracker.sas(id);
      sent.add(
          inOrder(id, () -> vici.unloadConn(name))
              .thenCompose(v -> terminateAll(sas))
              .handle(
                  (ok, failure) -> {
                    if (failure != null && loaded.contains(id)) {
                      failed.put(id, message(failure));
                    } else {
                      unloaded.add(id);
                      applied.remove(id);
                    }
                    return null;
                  }));
      sent.add(vici.unloadShared(name).handle((r, failure) -> null));
      sent.add(release(keyIds.remove(id)));
    }

    Instant now = Instant.now();
    for (Map.Entry<IpsecSiteConnectionId, ViciSection> entry : configs.entrySet()) {
      IpsecSiteConnectionId id = entry.getKey();
      ConnectionSpec spec = desired.get(id);
      String configDigest = digest(entry.getValue());
      byte[] psk = psks.get(id);
      String keyDigest = keyDigest(psk);
      Applied before = applied.get(id);
      boolean sendKey = before == null || !before.keyDigest().equals(keyDigest);
      boolean cert = spec.connection().auth() == AuthMethod.CERT;
      // The message holds its own copy of the key (a secret value), which dies with it.
      ViciSection shared = sendKey && !cert ? ConnectionMapping.loadShared(spec, psk) : null;
      ViciSection privateKey = sendKey && cert ? ConnectionMapping.loadKey(psk) : null;
      Arrays.fill(psk, (byte) 0);
      boolean sendConfig = before == null || !before.configDigest().equals(configDigest);
      boolean needsNewSas = before != null && sendConfig;
      // Track before sending: charon may report a failure of the attempt before the reply.
      tracker.configured(spec, false);
      peerAddresses.put(id, spec.connection().peerAddress().toString());
      if (!sendKey && !sendConfig) {
        unchanged.add(id);
        continue;
      }
      tracker.changed(id);
      ViciSection config = entry.getValue();
      CompletableFuture<Void> step =
          inOrder(
              id,
              () -> {
                CompletableFuture<Void> load = CompletableFuture.completedFuture(null);
                if (sendKey && cert) {
                  String name = ConnectionMapping.charonName(id);
                  load =
                      vici.loadKey(privateKey)
                          .thenCompose(
                              keyId -> {
                                keysReloaded.add(id);
                                return release(keyIds.put(id, keyId));
                              })
                          .thenCompose(v -> vici.unloadShared(name));
                } else if (sendKey) {
                  load =
                      vici.loadShared(shared)
                          .thenCompose(
                              v -> {
                                keysReloaded.add(id);
                                return release(keyIds.remove(id));
                              });
                }
                if (sendConfig) {
                  load =
                      load.thenCompose(v -> vici.loadConn(config))
                          .thenRun(
                              () -> {
                                loadedNow.add(id);
                                if (needsNewSas) {
                                  tracker.configurationLoaded(id);
                                }
                              });
                }
                return load;
              });
      sent.add(
          step.handle(
              (ok, failure) -> {
                if (failure != null) {
                  String why = message(failure);
                  failed.put(id, why);
                  tracker.failed(
                      id, Reason.of(ReasonCode.CONFIGURATION_INVALID, why), Instant.now());
                  applied.remove(id);
                } else {
                  applied.put(id, new Applied(spec, configDigest, keyDigest));
                  if (needsNewSas) {
                    renegotiate.add(id);
                  }
                }
                return null;
              }));
    }
    for (ConnectionSpec spec : desired.values()) {
      peerAddresses.put(spec.id(), spec.connection().peerAddress().toString());
    }
    return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
        .thenCompose(
            v -> {
              for (ConnectionSpec spec : desired.values()) {
                if (!spec.connection().adminStateUp()) {
                  tracker.configured(spec, true);
                }
              }
              for (IpsecSiteConnectionId id : unloaded) {
                if (!desired.containsKey(id)) {
                  tracker.removed(id);
                  peerAddresses.remove(id);
                }
              }
              return replace(renegotiate, Instant.now());
            })
        .thenCompose(v -> initiateDue(Instant.now()))
        .thenApply(
            initiated ->
                new ApplyResult(loadedNow, unloaded, unchanged, keysReloaded, initiated, failed));
  }

  /**
   * Connections whose negotiated parameters changed: those that initiate negotiate anew and drop
   * their old SAs once the new one works; response-only ones drop their SAs now. One replacement at
   * a time per connection: a change that arrives during one is replaced again after it.
   */
  CompletableFuture<Void> replace(List<IpsecSiteConnectionId> ids, Instant now) {
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    for (IpsecSiteConnectionId id : ids) {
      if (tracker.replacing(id)) {
        // SaHousekeeper's pass after this replacement sees that another one is owed.
        log.debug("namespace {}: {} is being replaced; replacing it again after", namespace, id);
        continue;
      }
      List<IkeSaStatus> sas = tracker.sas(id);
      if (sas.isEmpty()) {
        log.debug("namespace {}: {} has no SAs to replace", namespace, id);
        continue;
      }
      log.debug(
          "namespace {}: replacing IKE SAs {} of {}",
          namespace,
          sas.stream().map(IkeSaStatus::uniqueId).toList(),
          id);
      boolean initiates =
          tracker
              .spec(id)
              .map(s -> s.connection().initiator() == Initiator.BI_DIRECTIONAL)
              .orElse(false);
      if (initiates) {
        tracker.supersede(id, now);
        sent.add(initiate(id));
      } else {
        sent.add(terminateAll(sas));
      }
    }
    return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
  }

  /** Initiates every connection that is due; completes with those it initiated. */
  CompletableFuture<List<IpsecSiteConnectionId>> initiateDue(Instant now) {
    List<IpsecSiteConnectionId> initiated = new ArrayList<>();
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    for (IpsecSiteConnectionId id : applied.keySet()) {
      if (tracker.dueForInitiation(id, now)) {
        initiated.add(id);
        sent.add(initiate(id));
      }
    }
    return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
        .thenApply(v -> initiated);
  }

  private CompletableFuture<Void> initiate(IpsecSiteConnectionId id) {
    String name = ConnectionMapping.charonName(id);
    tracker.initiated(id, Instant.now());
    return inOrder(
            id,
            () -> {
              tracker.initiationSent(id);
              return vici.initiate(name, name);
            })
        .handle(
            (r, failure) -> {
              if (failure != null) {
                log.warn(
                    "namespace {}: initiating {} failed: {}", namespace, name, message(failure));
              }
              return null;
            });
  }

  /**
   * Sends {@code command} for connection {@code id} once charon answered the previous one for it.
   * charon serves VICI requests on several threads: an initiate sent while a load-conn is under way
   * may use either configuration, and an SA cannot tell which. In order, an SA runs the
   * configuration loaded when its initiate was sent ({@link StatusTracker#initiationSent}).
   * Commands for different connections still run side by side.
   */
  private <T> CompletableFuture<T> inOrder(
      IpsecSiteConnectionId id, Supplier<CompletableFuture<T>> command) {
    CompletableFuture<?> previous =
        lastCommand.getOrDefault(id, CompletableFuture.completedFuture(null));
    CompletableFuture<T> next =
        previous.handle((r, failure) -> null).thenCompose(v -> command.get());
    lastCommand.put(id, next);
    next.whenComplete((r, failure) -> lastCommand.remove(id, next));
    return next;
  }

  /** Terminates the given IKE SAs (their child SAs go with them); failures are logged. */
  CompletableFuture<Void> terminateAll(List<IkeSaStatus> sas) {
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    for (IkeSaStatus sa : sas) {
      sent.add(terminateIke(sa.uniqueId()).thenRun(() -> {}));
    }
    return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
  }

  /** Terminates one IKE SA; completes with whether charon did. */
  CompletableFuture<Boolean> terminateIke(long uniqueId) {
    return vici.terminateIkeSa(uniqueId).handle((r, failure) -> logged(failure, "IKE", uniqueId));
  }

  /** Destroys one IKE SA without waiting for the peer; completes with whether charon did. */
  CompletableFuture<Boolean> destroyIke(long uniqueId) {
    return vici.terminateIkeSa(uniqueId, true)
        .handle((r, failure) -> logged(failure, "IKE", uniqueId));
  }

  /** Terminates one child SA; completes with whether charon did. */
  CompletableFuture<Boolean> terminateChild(long uniqueId) {
    return vici.terminateChildSa(uniqueId)
        .handle((r, failure) -> logged(failure, "child", uniqueId));
  }

  private boolean logged(Throwable failure, String what, long id) {
    if (failure != null) {
      log.debug("namespace {}: terminating {} SA {}: {}", namespace, what, id, message(failure));
    }
    return failure == null;
  }

  private static String message(Throwable failure) {
    Throwable cause =
        failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    return String.valueOf(cause.getMessage());
  }

  private static String digest(ViciSection config) {
    ByteBuf buffer = Unpooled.buffer();
    try {
      ViciMessageCodec.encodeMessage(config, buffer);
      return sha256(ByteBufUtil.getBytes(buffer));
    } finally {
      buffer.release();
    }
  }

  private String keyDigest(byte[] psk) {
    byte[] salted = new byte[keySalt.length + psk.length];
    System.arraycopy(keySalt, 0, salted, 0, keySalt.length);
    System.arraycopy(psk, 0, salted, keySalt.length, psk.length);
    try {
      return sha256(salted);
    } finally {
      Arrays.fill(salted, (byte) 0);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
