package org.nsvpn.strongswan;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.nsvpn.namespacemanager.process.ExitWatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running charon that nsvpn started or adopted: its process, its instance directory, how its end
 * is noticed and how it is stopped.
 *
 * <p>The end is noticed through a pidfd ({@link ExitWatcher}) for every charon alike: one started
 * by this JVM, and one adopted from an earlier agent (not our child, whose exit the JDK notices
 * only by polling, about two seconds late). A child is reaped before the exit is reported, so its
 * exit status is known to whoever reports it.
 */
final class CharonProcess {
  private static final Logger log = LoggerFactory.getLogger(CharonProcess.class);

  private final String namespace;
  private final InstanceDirectory directory;
  private final ProcessHandle process;
  private final boolean adopted;
  private final ExitWatcher watcher;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private volatile AutoCloseable watch = () -> {};

  CharonProcess(
      String namespace,
      InstanceDirectory directory,
      ProcessHandle process,
      boolean adopted,
      ExitWatcher watcher) {
    this.namespace = namespace;
    this.directory = directory;
    this.process = process;
    this.adopted = adopted;
    this.watcher = watcher;
  }

  long pid() {
    return process.pid();
  }

  boolean adopted() {
    return adopted;
  }

  InstanceDirectory directory() {
    return directory;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Completes when the process has exited. */
  CompletableFuture<ProcessHandle> onExit() {
    return process.onExit();
  }

  /** True once {@link #stop} was called: the exit that follows is not a failure. */
  boolean stopping() {
    return stopping.get();
  }

  /** Calls {@code ended} once, soon after charon exits (at once if it has). */
  void watch(Runnable ended) {
    watch =
        watcher.watch(
            process,
            () -> {
              CharonLauncher.reap(process.pid());
              ended.run();
            });
  }

  /** Stops watching (the handle detaches; charon keeps running). */
  void unwatch() {
    try {
      watch.close();
    } catch (Exception e) {
      log.debug("closing the exit watch of charon {}: {}", process.pid(), e.toString());
    }
  }

  /** How charon ended ({@code with signal 9}), when this JVM started it and it has ended. */
  String exitStatus() {
    return CharonLauncher.exitStatus(process.pid()).map(s -> " with " + s).orElse("");
  }

  /**
   * Stops charon: SIGTERM, and SIGKILL when it is still there after {@code timeout}; completes when
   * it is gone.
   */
  CompletableFuture<Void> stop(Duration timeout) {
    return stop(timeout, true);
  }

  /**
   * Stops charon; {@code graceful} false kills it at once (SIGKILL), so it sends no DELETE to its
   * peers.
   */
  CompletableFuture<Void> stop(Duration timeout, boolean graceful) {
    stopping.set(true);
    log.info(
        "{} charon (pid {}) in namespace {}",
        graceful ? "stopping" : "killing",
        process.pid(),
        namespace);
    if (graceful) {
      process.destroy();
    } else {
      process.destroyForcibly();
    }
    return process
        .onExit()
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionallyCompose(
            failure -> {
              log.warn(
                  "charon (pid {}) ignored SIGTERM for {}; killing it", process.pid(), timeout);
              process.destroyForcibly();
              return process.onExit().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
            })
        .thenRun(() -> CharonLauncher.reap(process.pid()));
  }

  /** Kills charon at once, for a start that failed; waits up to {@code timeout}. */
  boolean kill(Duration timeout) {
    stopping.set(true);
    process.destroyForcibly();
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    } catch (Exception e) {
      return !process.isAlive();
    }
  }

  String logTail(int lines) {
    return directory.logTail(lines);
  }

  @Override
  public String toString() {
    return "charon pid " + process.pid() + " in " + namespace;
  }
}
