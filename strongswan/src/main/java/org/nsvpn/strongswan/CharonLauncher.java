package org.nsvpn.strongswan;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.nsvpn.namespacemanager.ffi.Syscalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts charon inside a network namespace with a private {@code /run}, without any helper process
 * (no {@code ip netns exec}, {@code unshare} or shell).
 *
 * <p>A dedicated thread, which is never returned to a pool and ends right after, enters the network
 * namespace ({@code setns}), takes a mount namespace of its own ({@code unshare(CLONE_NEWNS)}: this
 * works on one thread of a multi-threaded process because the kernel gives that thread its own copy
 * of the file-system context, unlike {@code setns} into a mount namespace, which a multi-threaded
 * process may not do), makes every mount a slave (nothing propagates back to the host; unmounts of
 * the host still propagate in, so deleted network namespaces are not kept alive), bind-mounts the
 * instance directory on {@code /run}, and spawns charon. The child inherits the thread's network
 * and mount namespaces: charon's compiled-in pid file {@code /var/run/charon.pid} and the sockets
 * and log its strongswan.conf names under {@code /run} all land in the instance directory, so any
 * number of charons coexist. charon finds its configuration through {@code STRONGSWAN_CONF}; its
 * environment is otherwise empty and its argument list is just its path.
 *
 * <p>charon is spawned with {@code posix_spawn}, not {@link ProcessBuilder}: the JDK starts a
 * "process reaper" thread from the thread that starts a process, and a thread inherits the
 * namespaces of its creator, so a reaper (and every pool thread it later creates when it completes
 * a future) would live on in charon's namespaces with charon's {@code /run}. Exit is observed
 * through a pidfd by {@link CharonProcess} (one watcher thread for every charon), which reaps the
 * child with {@code waitpid} ({@link #reap}).
 */
final class CharonLauncher {
  private static final Logger log = LoggerFactory.getLogger(CharonLauncher.class);

  private CharonLauncher() {}

  /**
   * Starts charon; returns its handle once the process exists (not once it is ready). The child is
   * reaped when it exits, whichever handle watches it then.
   */
  static ProcessHandle launch(
      Path namespaceFile, String namespace, Path instanceDirectory, Path charon) {
    Syscalls.startHelperThreadsHere();
    CompletableFuture<Long> started = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                started.complete(enterAndSpawn(namespaceFile, instanceDirectory, charon));
              } catch (Throwable t) {
                started.completeExceptionally(t);
              }
            },
            "charon-launch-" + namespace);
    thread.setDaemon(true);
    thread.start();
    long pid = join(started, charon);
    EXIT_STATUS.put(pid, new CompletableFuture<>());
    Optional<ProcessHandle> found = ProcessHandle.of(pid);
    if (found.isEmpty()) {
      // Ended before it could be watched (the JDK does not hand out handles on zombies).
      throw new CharonException(
          charon
              + " (pid "
              + pid
              + ") in namespace "
              + namespace
              + " exited"
              + exitStatus(pid).map(status -> " with " + status).orElse("")
              + " before it could answer on VICI");
    }
    return found.get();
  }

  /**
   * Wait statuses of the charons this process spawned, completed when they are reaped. An entry is
   * a few dozen bytes per start, kept so the status can still be reported after the reap.
   */
  private static final Map<Long, CompletableFuture<Integer>> EXIT_STATUS =
      new ConcurrentHashMap<>();

  /**
   * Collects a charon this process spawned once it exited, so it does not linger as a zombie;
   * harmless for other pids (they are not our children, or still run). Synchronized with {@link
   * #exitStatus}: a status collected by one thread is recorded before another looks for it.
   */
  static synchronized void reap(long pid) {
    OptionalInt status = Syscalls.reap(pid);
    if (status.isPresent()) {
      log.debug("charon {} ended with {}", pid, Syscalls.describeWaitStatus(status.getAsInt()));
      EXIT_STATUS.computeIfAbsent(pid, p -> new CompletableFuture<>()).complete(status.getAsInt());
    }
  }

  /**
   * How a charon this process spawned ended ({@code status 1}, {@code signal 9}) once it did; empty
   * for other processes and while it runs.
   */
  static synchronized Optional<String> exitStatus(long pid) {
    reap(pid);
    CompletableFuture<Integer> exit = EXIT_STATUS.get(pid);
    return Optional.ofNullable(exit == null ? null : exit.getNow(null))
        .map(Syscalls::describeWaitStatus);
  }

  private static long join(CompletableFuture<Long> started, Path charon) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return started.get();
        } catch (InterruptedException e) {
          // The thread may be mid-spawn; a charon it starts must not be lost, so wait for it.
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException r) {
            throw r;
          }
          throw new CharonException("starting " + charon + " failed", cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static long enterAndSpawn(Path namespaceFile, Path instanceDirectory, Path charon) {
    int fd = Syscalls.open(namespaceFile, Syscalls.O_RDONLY | Syscalls.O_CLOEXEC, 0);
    try {
      Syscalls.setns(fd, Syscalls.CLONE_NEWNET, namespaceFile.toString());
    } finally {
      Syscalls.close(fd);
    }
    Syscalls.unshare(Syscalls.CLONE_NEWNS);
    Syscalls.mount(
        "none", Path.of("/"), null, Syscalls.MS_REC | Syscalls.MS_SLAVE, "MS_REC|MS_SLAVE");
    Syscalls.mount(
        instanceDirectory.toString(),
        Path.of(CharonConf.CHARON_RUN),
        null,
        Syscalls.MS_BIND,
        "MS_BIND");
    // From here on this thread sees the instance directory as /run: name files by that path.
    String run = CharonConf.CHARON_RUN + "/";
    return Syscalls.spawn(
        List.of(charon.toString()),
        List.of("STRONGSWAN_CONF=" + run + CharonConf.CONF),
        run + CharonConf.CONSOLE);
  }
}
