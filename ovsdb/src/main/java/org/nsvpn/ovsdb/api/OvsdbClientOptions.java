package org.nsvpn.ovsdb.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Tuning of an {@link OvsdbClient}. Start from {@link #defaults()} and change what you need with
 * the {@code with...} methods.
 *
 * @param requestTimeout every request fails with {@link OvsdbTimeoutException} if unanswered this
 *     long (ovsdb-server answers in milliseconds; a long wait means a stuck peer)
 * @param connectTimeout one connection attempt gives up after this
 * @param reconnectMinDelay first backoff delay after a lost connection or failed attempt
 * @param reconnectMaxDelay backoff doubles up to this
 * @param echoInterval when the server has been silent this long, send an {@code echo}; if it is
 *     still silent after another interval, drop the connection and reconnect. Empty: the
 *     transport's default, on for TCP (5 s), off for unix sockets (the kernel reports a dead local
 *     peer at once). {@link Duration#ZERO}: off.
 * @param maxMessageBytes largest JSON value accepted from the server; a bigger one is a protocol
 *     error (protects the heap against a runaway peer)
 * @param name appears in thread names and log lines
 */
public record OvsdbClientOptions(
    Duration requestTimeout,
    Duration connectTimeout,
    Duration reconnectMinDelay,
    Duration reconnectMaxDelay,
    Optional<Duration> echoInterval,
    int maxMessageBytes,
    String name) {

  /** Default echo interval on TCP. */
  public static final Duration TCP_ECHO_INTERVAL = Duration.ofSeconds(5);

  public OvsdbClientOptions {
    positive("request-timeout", requestTimeout);
    positive("connect-timeout", connectTimeout);
    positive("reconnect-min-delay", reconnectMinDelay);
    positive("reconnect-max-delay", reconnectMaxDelay);
    if (reconnectMaxDelay.compareTo(reconnectMinDelay) < 0) {
      throw new IllegalArgumentException(
          "reconnect-max-delay: invalid value '"
              + reconnectMaxDelay
              + "': must be >= reconnect-min-delay "
              + reconnectMinDelay);
    }
    Objects.requireNonNull(echoInterval, "echo-interval");
    echoInterval.ifPresent(
        d -> {
          if (d.isNegative()) {
            throw new IllegalArgumentException(
                "echo-interval: invalid value '" + d + "': must not be negative");
          }
        });
    if (maxMessageBytes < 1024) {
      throw new IllegalArgumentException(
          "max-message-bytes: invalid value '" + maxMessageBytes + "': must be >= 1024");
    }
    Objects.requireNonNull(name, "name");
  }

  /** 30 s requests, 5 s connect, backoff 100 ms..5 s, transport echo default, 64 MiB messages. */
  public static OvsdbClientOptions defaults() {
    return new OvsdbClientOptions(
        Duration.ofSeconds(30),
        Duration.ofSeconds(5),
        Duration.ofMillis(100),
        Duration.ofSeconds(5),
        Optional.empty(),
        64 << 20,
        "ovsdb");
  }

  /** These options with another request timeout. */
  public OvsdbClientOptions withRequestTimeout(Duration d) {
    return new OvsdbClientOptions(
        d,
        connectTimeout,
        reconnectMinDelay,
        reconnectMaxDelay,
        echoInterval,
        maxMessageBytes,
        name);
  }

  /** These options with another backoff range (first delay, cap). */
  public OvsdbClientOptions withReconnectDelays(Duration min, Duration max) {
    return new OvsdbClientOptions(
        requestTimeout, connectTimeout, min, max, echoInterval, maxMessageBytes, name);
  }

  /** These options with an explicit echo interval ({@link Duration#ZERO}: no probes). */
  public OvsdbClientOptions withEchoInterval(Duration d) {
    return new OvsdbClientOptions(
        requestTimeout,
        connectTimeout,
        reconnectMinDelay,
        reconnectMaxDelay,
        Optional.of(d),
        maxMessageBytes,
        name);
  }

  /** These options with another limit on the size of one message from the server. */
  public OvsdbClientOptions withMaxMessageBytes(int bytes) {
    return new OvsdbClientOptions(
        requestTimeout,
        connectTimeout,
        reconnectMinDelay,
        reconnectMaxDelay,
        echoInterval,
        bytes,
        name);
  }

  /** These options with another name for threads and log lines. */
  public OvsdbClientOptions withName(String n) {
    return new OvsdbClientOptions(
        requestTimeout,
        connectTimeout,
        reconnectMinDelay,
        reconnectMaxDelay,
        echoInterval,
        maxMessageBytes,
        n);
  }

  private static void positive(String field, Duration d) {
    Objects.requireNonNull(d, field);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(field + ": invalid value '" + d + "': must be positive");
    }
  }
}
