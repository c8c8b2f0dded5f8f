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
 * exit status is known to whoever reports it. {@link ProcessHandle#onExit()} is not used at all:
 * the JDK gives every process it waits for a thread of its own ("process reaper") for the process's
 * whole life, one thread per router; the watcher has one thread for all of them.
 */
final class CharonProcess {
  private static final Logger log = LoggerFactory.getLogger(CharonProcess.class);

  private final String namespace;
  private final InstanceDirectory directory;
  private final ProcessHandle process;
  private final boolean adopted;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicBoolean detached = new AtomicBoolean();
  private final CompletableFuture<Void> exited = new CompletableFuture<>();
  private final AutoCloseable exitWatch;

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
    this.exitWatch =
        watcher.watch(
            process,
            () -> {
              CharonLauncher.reap(process.pid());
              exited.complete(null);
            });
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

  /** Completes when the process has exited (never once {@link #detach} let it go). */
  CompletableFuture<Void> onExit() {
    return exited.copy();
  }

  private CompletableFuture<Void> exit(Duration timeout) {
    return exited.copy().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** True once {@link #stop} was called: the exit that follows is not a failure. */
  boolean stopping() {
    return stopping.get();
  }

  /**
   * Calls {@code ended} once, soon after charon exits (at once if it has), on the exit watcher's
   * thread; not after {@link #unwatch}.
   */
  void watch(Runnable ended) {
    exited.thenRun(
        () -> {
          if (!detached.get()) {
            ended.run();
          }
        });
  }

  /** Stops telling the {@link #watch} callback (a stop follows, whose end is still noticed). */
  void unwatch() {
    detached.set(true);
  }

  /**
   * Lets charon go: no callback, no exit watch any more (the handle detaches; it keeps running).
   */
  void detach() {
    unwatch();
    try {
      exitWatch.close();
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
    return exit(timeout)
        .exceptionallyCompose(
            failure -> {
              log.warn(
                  "charon (pid {}) ignored SIGTERM for {}; killing it", process.pid(), timeout);
              process.destroyForcibly();
              return exit(timeout);
            })
        .thenRun(() -> CharonLauncher.reap(process.pid()));
  }

  /** Kills charon at once, for a start that failed; waits up to {@code timeout}. */
  boolean kill(Duration timeout) {
    stopping.set(true);
    process.destroyForcibly();
    try {
      exited.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
