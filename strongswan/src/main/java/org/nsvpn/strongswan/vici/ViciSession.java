package org.nsvpn.strongswan.vici;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The VICI commands nsvpn uses, typed: arguments are built here from Java values and responses are
 * checked here ({@code success}), so no call site spells a command name or a key. Modelled on the
 * {@code Session} of strongSwan's own Python binding. Every method returns at once; futures
 * complete on the client's serial executor. Thread-safe.
 */
public final class ViciSession {

  /** The events a session can subscribe to. */
  public enum Event {
    IKE_UPDOWN("ike-updown"),
    CHILD_UPDOWN("child-updown"),
    IKE_REKEY("ike-rekey"),
    CHILD_REKEY("child-rekey");

    private final String wireName;

    Event(String wireName) {
      this.wireName = wireName;
    }

    /** The event's name on the wire. */
    public String wireName() {
      return wireName;
    }
  }

  private final ViciClient client;

  public ViciSession(ViciClient client) {
    this.client = client;
  }

  public ViciClient client() {
    return client;
  }

  /** {@code version}: charon's version string. */
  public CompletableFuture<String> version() {
    return client
        .request("version", ViciSection.empty())
        .thenApply(r -> r.text("version").orElse("?"));
  }

  /** {@code load-conn} of a message holding one connection section (see ConnectionMapping). */
  public CompletableFuture<Void> loadConn(ViciSection connection) {
    return client
        .request("load-conn", connection)
        .thenAccept(r -> r.requireSuccess("load-conn " + connection.sections().keySet()));
  }

  /** {@code unload-conn}: removes the configuration; its SAs are closed by charon. */
  public CompletableFuture<Void> unloadConn(String name) {
    return client
        .request("unload-conn", ViciSection.builder().put("name", name).build())
        .thenAccept(r -> r.requireSuccess("unload-conn " + name));
  }

  /** {@code load-shared} of a shared-key message (its secret never appears in text form). */
  public CompletableFuture<Void> loadShared(ViciSection sharedKey) {
    String id = sharedKey.text("id").orElse("?");
    return client
        .request("load-shared", sharedKey)
        .thenAccept(r -> r.requireSuccess("load-shared " + id));
  }

  /** {@code unload-shared}; succeeds also when no such key is loaded. */
  public CompletableFuture<Void> unloadShared(String id) {
    return client
        .request("unload-shared", ViciSection.builder().put("id", id).build())
        .thenAccept(r -> {});
  }

  /**
   * {@code load-key} of a private-key message (its key never appears in text form); completes with
   * charon's identifier of the key (hex SHA-1 of the public key).
   */
  public CompletableFuture<String> loadKey(ViciSection key) {
    return client
        .request("load-key", key)
        .thenApply(r -> r.requireSuccess("load-key").text("id").orElse(""));
  }

  /** {@code unload-key}; succeeds also when no such key is loaded. */
  public CompletableFuture<Void> unloadKey(String id) {
    return client
        .request("unload-key", ViciSection.builder().put("id", id).build())
        .thenAccept(r -> {});
  }

  /** {@code get-keys}: identifiers of the private keys loaded over VICI. */
  public CompletableFuture<List<String>> getKeys() {
    return client.request("get-keys", ViciSection.empty()).thenApply(r -> r.texts("keys"));
  }

  /** {@code load-authority} of a message holding one authority section; replaces a namesake. */
  public CompletableFuture<Void> loadAuthority(ViciSection authority) {
    return client
        .request("load-authority", authority)
        .thenAccept(r -> r.requireSuccess("load-authority " + authority.sections().keySet()));
  }

  /** {@code unload-authority}; succeeds also when no such authority is loaded. */
  public CompletableFuture<Void> unloadAuthority(String name) {
    return client
        .request("unload-authority", ViciSection.builder().put("name", name).build())
        .thenAccept(r -> {});
  }

  /** {@code get-authorities}: the names of the loaded certification authorities. */
  public CompletableFuture<List<String>> getAuthorities() {
    return client
        .request("get-authorities", ViciSection.empty())
        .thenApply(r -> r.texts("authorities"));
  }

  /** {@code get-conns}: the names of the loaded connections. */
  public CompletableFuture<List<String>> getConns() {
    return client.request("get-conns", ViciSection.empty()).thenApply(r -> r.texts("conns"));
  }

  /**
   * {@code initiate} of child {@code child} of IKE config {@code ike}, without waiting for the
   * negotiation ({@code timeout = -1}) and with charon's half-open limits off; completes when
   * charon accepted the request. The outcome arrives as events and error notifications.
   */
  public CompletableFuture<Void> initiate(String ike, String child) {
    return client
        .request(
            "initiate",
            ViciSection.builder()
                .put("ike", ike)
                .put("child", child)
                .put("timeout", -1)
                .put("init-limits", false)
                .build())
        .thenAccept(r -> r.requireSuccess("initiate " + ike));
  }

  /** {@code terminate} of one IKE SA by charon's unique id, without waiting for the peer. */
  public CompletableFuture<Void> terminateIkeSa(long uniqueId) {
    return terminateIkeSa(uniqueId, false);
  }

  /**
   * As {@link #terminateIkeSa(long)}; with {@code force}, charon destroys the SA at once instead of
   * waiting for the peer's answer to its DELETE (an SA already waiting for one is destroyed).
   */
  public CompletableFuture<Void> terminateIkeSa(long uniqueId, boolean force) {
    ViciSection.Builder request = ViciSection.builder().put("ike-id", uniqueId).put("timeout", -1);
    if (force) {
      request.put("force", "yes");
    }
    return client
        .request("terminate", request.build())
        .thenAccept(r -> r.requireSuccess("terminate ike-id " + uniqueId));
  }

  /** {@code terminate} of one child SA by charon's unique id, without waiting for the peer. */
  public CompletableFuture<Void> terminateChildSa(long uniqueId) {
    return client
        .request(
            "terminate", ViciSection.builder().put("child-id", uniqueId).put("timeout", -1).build())
        .thenAccept(r -> r.requireSuccess("terminate child-id " + uniqueId));
  }

  /**
   * {@code list-sas}: one section per IKE SA (named by its config, see {@code list-sa} events), in
   * charon's order.
   */
  public CompletableFuture<List<ViciSection>> listSas() {
    return client
        .streamedRequest("list-sas", ViciSection.empty(), "list-sa")
        .thenApply(ViciStreamedResponse::events);
  }

  /** {@code list-sas} with a timeout of its own. */
  public CompletableFuture<List<ViciSection>> listSas(Duration timeout) {
    return client
        .streamedRequest("list-sas", ViciSection.empty(), "list-sa", timeout)
        .thenApply(ViciStreamedResponse::events);
  }

  /** {@code list-conns}: one section per loaded connection. */
  public CompletableFuture<List<ViciSection>> listConns() {
    return client
        .streamedRequest("list-conns", ViciSection.empty(), "list-conn")
        .thenApply(ViciStreamedResponse::events);
  }

  /** {@code stats}: charon's counters (uptime, workers, IKE SAs, memory). */
  public CompletableFuture<ViciSection> stats() {
    return client.request("stats", ViciSection.empty());
  }

  /** {@code reload-settings}: charon re-reads strongswan.conf. */
  public CompletableFuture<Void> reloadSettings() {
    return client
        .request("reload-settings", ViciSection.empty())
        .thenAccept(r -> r.requireSuccess("reload-settings"));
  }

  /** Subscribes to {@code event}; see {@link ViciClient#subscribe}. */
  public CompletableFuture<ViciSubscription> subscribe(
      Event event, Consumer<ViciSection> listener) {
    return client.subscribe(event.wireName(), listener);
  }
}
