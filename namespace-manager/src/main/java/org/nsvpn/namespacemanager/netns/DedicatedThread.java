package org.nsvpn.namespacemanager.netns;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a task on a new thread that ends with the task, and waits for it: the way to do work that
 * changes the namespace of the running thread. Exceptions reach the caller unchanged, with the
 * caller's stack attached as a suppressed exception for the log.
 */
final class DedicatedThread {
  private DedicatedThread() {}

  static <T> T call(String threadName, NamespaceTask<T> task) {
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                result.set(task.run());
              } catch (Throwable t) {
                failure.set(t);
              }
            },
            threadName);
    thread.setDaemon(true);
    thread.start();
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        // The task may be half-way through a kernel change; let it finish, then re-assert.
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Throwable thrown = failure.get();
    if (thrown == null) {
      return result.get();
    }
    thrown.addSuppressed(new CalledFrom(Thread.currentThread().getName()));
    if (thrown instanceof RuntimeException e) {
      throw e;
    }
    if (thrown instanceof Error e) {
      throw e;
    }
    throw new IllegalStateException(thrown);
  }

  /** Records where a task that failed on a dedicated thread was called from. */
  static final class CalledFrom extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CalledFrom(String thread) {
      super("called from thread " + thread);
    }
  }
}
