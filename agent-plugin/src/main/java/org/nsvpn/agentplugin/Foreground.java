package org.nsvpn.agentplugin;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/** How nsvpn-agent and nsvpn-datapath run in the foreground once started. */
final class Foreground {
  private Foreground() {}

  /**
   * Blocks until SIGTERM or SIGINT, or until {@code done} completes, then closes {@code service}.
   * On a signal the JVM halts with 0 once the service is closed: a stop asked for by a signal that
   * went cleanly is a success, not the JVM's 128 + signal.
   */
  static void run(AutoCloseable service, String threadName, CompletableFuture<?> done)
      throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  closeQuietly(service);
                  stopped.countDown();
                  System.out.flush();
                  System.err.flush();
                  Runtime.getRuntime().halt(0);
                },
                threadName));
    done.whenComplete((result, failure) -> stopped.countDown());
    stopped.await();
    closeQuietly(service);
  }

  private static void closeQuietly(AutoCloseable service) {
    try {
      service.close();
    } catch (Exception e) {
      System.err.println("error while stopping: " + e);
    }
  }
}
