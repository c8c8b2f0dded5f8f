package org.nsvpn.strongswan.vici;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A VICI client on charon's unix socket.
 *
 * <p>Connects as soon as it is opened and keeps reconnecting with backoff whenever the connection
 * fails or is lost, until closed. Commands queue and go out one at a time (VICI responses carry no
 * id); a command in flight when the connection drops fails with {@link ViciConnectionException},
 * queued ones wait for the next connection, and every command fails with a {@link
 * java.util.concurrent.TimeoutException} when it is not answered within its timeout. Event
 * subscriptions are registered again on every new connection.
 *
 * <p>All futures complete, and all listeners run, on one serial executor per client (never on the
 * event loop): in the order the packets arrived, so events sent before a response are seen before
 * the response's future completes. Thread-safe.
 */
public interface ViciClient extends AutoCloseable {

  /** Where the client is in its lifecycle. */
  enum State {
    /** Not connected yet; the first attempt is under way or waiting to be retried. */
    CONNECTING,
    CONNECTED,
    /** Was connected, lost it, reconnecting. */
    DISCONNECTED,
    /** Closed by its owner; final. */
    CLOSED
  }

  /** Opens a client on {@code socket} with {@link ViciClientOptions#defaults()}. */
  static ViciClient open(Path socket) {
    return open(socket, ViciClientOptions.defaults());
  }

  static ViciClient open(Path socket, ViciClientOptions options) {
    return new NettyViciClient(socket, options);
  }

  Path socket();

  State state();

  /**
   * Completes when the first connection is made; fails with {@link ViciConnectionException} if the
   * client is closed first. Combine with a timeout to wait for charon with a deadline.
   */
  CompletableFuture<Void> connected();

  /** Sends a command with the default timeout and completes with its response. */
  CompletableFuture<ViciSection> request(String command, ViciSection arguments);

  /** Sends a command with its own timeout (for commands that wait, such as initiate). */
  CompletableFuture<ViciSection> request(String command, ViciSection arguments, Duration timeout);

  /**
   * Sends a streamed command: registers for {@code event} first (unless a subscription already
   * has), collects the events that arrive while the command is in flight, and unregisters after.
   */
  CompletableFuture<ViciStreamedResponse> streamedRequest(
      String command, ViciSection arguments, String event);

  CompletableFuture<ViciStreamedResponse> streamedRequest(
      String command, ViciSection arguments, String event, Duration timeout);

  /**
   * Subscribes to a named event. The future completes once charon confirmed the registration, and
   * fails with {@link ViciCommandException} when charon does not know the event. The listener keeps
   * receiving the event across reconnects until the subscription is closed.
   */
  CompletableFuture<ViciSubscription> subscribe(String event, Consumer<ViciSection> listener);

  /** Called with each state change, on the client's serial executor. */
  void addStateListener(Consumer<State> listener);

  /** Fails what is pending with {@link ViciConnectionException} and closes the socket. */
  @Override
  void close();
}
