package org.nsvpn.namespacemanager.netns;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.nsvpn.namespacemanager.ffi.Syscalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that work inside other network namespaces. A task runs on a worker that first moves
 * into the namespace (setns, or unshare for a new one) and, whatever happens, moves back into the
 * process's own namespace afterwards before it takes other work; a worker that cannot move back
 * ends instead. No other thread ever changes namespace. Workers are created on demand and end after
 * ten idle seconds, so creating a thread per task is not on the hot path.
 *
 * <p>The calling thread waits for its task. Exceptions of the task reach the caller unchanged, with
 * the caller's stack attached as a suppressed exception for the log.
 */
final class NamespaceWorkers {
  private static final Logger log = LoggerFactory.getLogger(NamespaceWorkers.class);
  private static final Path HOME = Path.of("/proc/self/ns/net");

  private final int homeFd;
  private final ThreadPoolExecutor workers;

  NamespaceWorkers() {
    // Helper threads born on a worker would live on in a foreign namespace; start them here.
    Syscalls.startHelperThreadsHere();
    // The process's namespace: that of its main thread, which nothing here ever moves.
    this.homeFd = Syscalls.open(HOME, Syscalls.O_RDONLY | Syscalls.O_CLOEXEC, 0);
    AtomicInteger count = new AtomicInteger();
    this.workers =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            10,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "netns-worker-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** What moves a worker into the target namespace (it is moved back regardless). */
  interface Entry {
    void enter();
  }

  <T> T call(Entry entry, NamespaceTask<T> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    workers.execute(
        () -> {
          try {
            entry.enter();
            result.complete(task.run());
          } catch (Throwable t) {
            result.completeExceptionally(t);
          } finally {
            goHome();
          }
        });
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return result.get();
        } catch (InterruptedException e) {
          // The task may be half-way through a kernel change; let it finish, then re-assert.
          interrupted = true;
        } catch (ExecutionException e) {
          throw rethrow(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void goHome() {
    try {
      Syscalls.setns(homeFd, Syscalls.CLONE_NEWNET, HOME.toString());
    } catch (RuntimeException e) {
      log.error("{} cannot return to the host namespace; ending it", Thread.currentThread(), e);
      throw e;
    }
  }

  private static RuntimeException rethrow(Throwable thrown) {
    thrown.addSuppressed(new CalledFrom(Thread.currentThread().getName()));
    if (thrown instanceof RuntimeException e) {
      return e;
    }
    if (thrown instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(thrown);
  }

  /** Records where a task that failed on a worker was called from. */
  static final class CalledFrom extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CalledFrom(String thread) {
      super("called from thread " + thread);
    }
  }
}
