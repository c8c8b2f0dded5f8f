package org.nsvpn.strongswan;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.nsvpn.chainrules.InvalidValueException;

/**
 * How nsvpn runs charon.
 *
 * @param stateRoot parent of the per-namespace instance directories ({@code stateRoot/NAMESPACE}),
 *     created with mode 0700; on tmpfs ({@code /run}) so nothing survives a reboot
 * @param charonBinary the charon daemon
 * @param workerThreads charon's {@code threads} setting; charon keeps 9 of them busy for good (IKE
 *     sockets, VICI and error-notify watchers, kernel events, libipsec), so at least 10; requests
 *     over VICI hang when none is left
 * @param startTimeout how long a new charon may take to answer on VICI
 * @param stopTimeout how long charon may take to exit after SIGTERM before it gets SIGKILL
 * @param refreshInterval how often list-sas refreshes the counters (events refresh state at once),
 *     stretched when many charons run: see {@link #listingInterval(int)}
 * @param requestTimeout how long one VICI command may take
 * @param backend the IPsec backend, or empty to probe the kernel for ESP once
 * @param logLevel charon's file log level 0..2; higher levels can log key material, so are refused
 * @param retryMin how long nsvpn waits before initiating a connection again after its first failure
 *     (authentication, proposals, unreachable peer, ...); doubled per further failure
 * @param retryMax the longest such wait
 */
public record StrongSwanConfig(
    Path stateRoot,
    Path charonBinary,
    int workerThreads,
    Duration startTimeout,
    Duration stopTimeout,
    Duration refreshInterval,
    Duration requestTimeout,
    Optional<Backend> backend,
    int logLevel,
    Duration retryMin,
    Duration retryMax) {

  public static final Path DEFAULT_STATE_ROOT = Path.of("/run/nsvpn/charon");
  public static final Path DEFAULT_CHARON = Path.of("/usr/lib/ipsec/charon");
  public static final int MIN_THREADS = 10;

  /**
   * The most periodic SA listings all charons together get per second: see {@link
   * #listingInterval(int)}.
   */
  public static final int MAX_LISTINGS_PER_SECOND = 100;

  public StrongSwanConfig {
    Objects.requireNonNull(stateRoot, "stateRoot");
    if (!stateRoot.isAbsolute()) {
      throw new InvalidValueException("state-root", stateRoot, "must be an absolute path");
    }
    Objects.requireNonNull(charonBinary, "charonBinary");
    if (!charonBinary.isAbsolute()) {
      throw new InvalidValueException("charon-binary", charonBinary, "must be an absolute path");
    }
    if (workerThreads < MIN_THREADS || workerThreads > 64) {
      throw new InvalidValueException(
          "charon-threads",
          workerThreads,
          "must be "
              + MIN_THREADS
              + "..64 (charon keeps 9 busy with its sockets and kernel interface)");
    }
    positive("start-timeout", startTimeout);
    positive("stop-timeout", stopTimeout);
    positive("refresh-interval", refreshInterval);
    positive("request-timeout", requestTimeout);
    Objects.requireNonNull(backend, "backend");
    if (logLevel < 0 || logLevel > 2) {
      throw new InvalidValueException(
          "charon-log-level", logLevel, "must be 0..2 (levels 3 and 4 can log key material)");
    }
    positive("retry-min", retryMin);
    positive("retry-max", retryMax);
    if (retryMax.compareTo(retryMin) < 0) {
      throw new InvalidValueException("retry-max", retryMax, "must not be less than retry-min");
    }
  }

  /** The waits before initiating a connection again after failures. */
  Backoff retryBackoff() {
    return new Backoff(retryMin, retryMax);
  }

  /**
   * /run/nsvpn/charon, Debian's charon, 12 threads, 10 s start, 5 s stop, 10 s refresh, retries
   * after 5 s doubling up to 5 min.
   */
  public static StrongSwanConfig defaults() {
    return new StrongSwanConfig(
        DEFAULT_STATE_ROOT,
        DEFAULT_CHARON,
        12,
        Duration.ofSeconds(10),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Optional.empty(),
        1,
        Duration.ofSeconds(5),
        Duration.ofMinutes(5));
  }

  public StrongSwanConfig withStateRoot(Path root) {
    return new StrongSwanConfig(
        root,
        charonBinary,
        workerThreads,
        startTimeout,
        stopTimeout,
        refreshInterval,
        requestTimeout,
        backend,
        logLevel,
        retryMin,
        retryMax);
  }

  public StrongSwanConfig withCharonBinary(Path binary) {
    return new StrongSwanConfig(
        stateRoot,
        binary,
        workerThreads,
        startTimeout,
        stopTimeout,
        refreshInterval,
        requestTimeout,
        backend,
        logLevel,
        retryMin,
        retryMax);
  }

  public StrongSwanConfig withWorkerThreads(int threads) {
    return new StrongSwanConfig(
        stateRoot,
        charonBinary,
        threads,
        startTimeout,
        stopTimeout,
        refreshInterval,
        requestTimeout,
        backend,
        logLevel,
        retryMin,
        retryMax);
  }

  public StrongSwanConfig withRefreshInterval(Duration interval) {
    return new StrongSwanConfig(
        stateRoot,
        charonBinary,
        workerThreads,
        startTimeout,
        stopTimeout,
        interval,
        requestTimeout,
        backend,
        logLevel,
        retryMin,
        retryMax);
  }

  public StrongSwanConfig withBackend(Optional<Backend> forced) {
    return new StrongSwanConfig(
        stateRoot,
        charonBinary,
        workerThreads,
        startTimeout,
        stopTimeout,
        refreshInterval,
        requestTimeout,
        forced,
        logLevel,
        retryMin,
        retryMax);
  }

  public StrongSwanConfig withStartTimeout(Duration timeout) {
    return new StrongSwanConfig(
        stateRoot,
        charonBinary,
        workerThreads,
        timeout,
        stopTimeout,
        refreshInterval,
        requestTimeout,
        backend,
        logLevel,
        retryMin,
        retryMax);
  }

  public StrongSwanConfig withStopTimeout(Duration timeout) {
    return new StrongSwanConfig(
        stateRoot,
        charonBinary,
        workerThreads,
        startTimeout,
        timeout,
        refreshInterval,
        requestTimeout,
        backend,
        logLevel,
        retryMin,
        retryMax);
  }

  public StrongSwanConfig withRetry(Duration min, Duration max) {
    return new StrongSwanConfig(
        stateRoot,
        charonBinary,
        workerThreads,
        startTimeout,
        stopTimeout,
        refreshInterval,
        requestTimeout,
        backend,
        logLevel,
        min,
        max);
  }

  /**
   * How long a charon waits between periodic listings of its SAs when {@code charons} run: {@link
   * #refreshInterval()}, or {@code charons} / {@value #MAX_LISTINGS_PER_SECOND} seconds when that
   * is longer (10 s at 1,000 charons with the default 2 s). Each listing is parsed and published by
   * the agent, and at 1,000 charons listing each every 2 s cost the agent 14 % of its CPU (500
   * listings a second) while it was bringing the routers up. Only the counters (bytes, packets, the
   * SAs' ages) wait for the periodic listing: VICI events update an SA's state at once, and each
   * burst of events is followed by a listing of its own.
   */
  public Duration listingInterval(int charons) {
    Duration paced = Duration.ofMillis(Math.max(0, charons) * 1000L / MAX_LISTINGS_PER_SECOND);
    return paced.compareTo(refreshInterval) > 0 ? paced : refreshInterval;
  }

  private static void positive(String field, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new InvalidValueException(field, String.valueOf(value), "must be positive");
    }
  }
}
