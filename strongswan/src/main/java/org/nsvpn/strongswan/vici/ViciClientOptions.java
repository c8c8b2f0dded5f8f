package org.nsvpn.strongswan.vici;

import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * How a {@link ViciClient} behaves.
 *
 * @param requestTimeout how long a command may wait in the queue and in flight together before its
 *     future fails with a {@link java.util.concurrent.TimeoutException}; an in-flight command that
 *     times out also resets the connection (responses carry no id, so a late one would be taken for
 *     the next command's)
 * @param reconnectMin first delay before reconnecting after the connection failed or was lost
 * @param reconnectMax the delay doubles up to this
 * @param eventLoopGroup where the socket lives (one event loop of it is used)
 * @param callbackExecutor where futures complete and listeners run, in order, via a {@link
 *     SerialExecutor}
 */
public record ViciClientOptions(
    Duration requestTimeout,
    Duration reconnectMin,
    Duration reconnectMax,
    EventLoopGroup eventLoopGroup,
    Executor callbackExecutor) {

  public ViciClientOptions {
    requirePositive("requestTimeout", requestTimeout);
    requirePositive("reconnectMin", reconnectMin);
    requirePositive("reconnectMax", reconnectMax);
    if (reconnectMax.compareTo(reconnectMin) < 0) {
      throw new IllegalArgumentException(
          "reconnectMax " + reconnectMax + " is shorter than reconnectMin " + reconnectMin);
    }
    Objects.requireNonNull(eventLoopGroup, "eventLoopGroup");
    Objects.requireNonNull(callbackExecutor, "callbackExecutor");
  }

  /** 30 s per request, reconnect after 20 ms doubling to 2 s, the shared transport. */
  public static ViciClientOptions defaults() {
    return new ViciClientOptions(
        Duration.ofSeconds(30),
        Duration.ofMillis(20),
        Duration.ofSeconds(2),
        ViciTransport.eventLoopGroup(),
        ViciTransport.callbackPool());
  }

  public ViciClientOptions withRequestTimeout(Duration timeout) {
    return new ViciClientOptions(
        timeout, reconnectMin, reconnectMax, eventLoopGroup, callbackExecutor);
  }

  public ViciClientOptions withReconnect(Duration min, Duration max) {
    return new ViciClientOptions(requestTimeout, min, max, eventLoopGroup, callbackExecutor);
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }
}
