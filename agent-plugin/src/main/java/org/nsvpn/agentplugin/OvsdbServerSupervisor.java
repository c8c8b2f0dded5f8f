package org.nsvpn.agentplugin;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.nsvpn.ovsdb.api.OvsdbEndpoint;
import org.nsvpn.ovsdb.server.EmbeddedOvsdbServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the agent's embedded ovsdb-server running: checks it every {@code interval} and starts it
 * again, on the same database file and socket, when it has died (killed, crashed, OOM). The agent's
 * OVSDB client reconnects by itself and its publisher writes the rows again; the rows committed
 * before survive in the database file. Closing stops the checks and the current server.
 */
final class OvsdbServerSupervisor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OvsdbServerSupervisor.class);

  private final Path directory;
  private final String schemaJson;
  private final Duration startTimeout;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("nsvpn-ovsdb-supervisor"));
  private final AtomicLong restarts = new AtomicLong();
  private volatile EmbeddedOvsdbServer server;

  private OvsdbServerSupervisor(
      Path directory, String schemaJson, Duration startTimeout, EmbeddedOvsdbServer server) {
    this.directory = directory;
    this.schemaJson = schemaJson;
    this.startTimeout = startTimeout;
    this.server = server;
  }

  /** Starts (or adopts) the server, then watches it. */
  static OvsdbServerSupervisor start(
      Path directory, String schemaJson, Duration startTimeout, Duration interval) {
    OvsdbServerSupervisor s =
        new OvsdbServerSupervisor(
            directory,
            schemaJson,
            startTimeout,
            EmbeddedOvsdbServer.startOrAdopt(directory, schemaJson, startTimeout));
    s.thread.scheduleWithFixedDelay(
        s::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return s;
  }

  OvsdbEndpoint endpoint() {
    return server.endpoint();
  }

  /** How many times the server had to be started again. */
  long restarts() {
    return restarts.get();
  }

  private void check() {
    EmbeddedOvsdbServer current = server;
    if (current.isAlive()) {
      return;
    }
    log.warn("embedded ovsdb-server pid {} is gone; starting it again", current.pid());
    try {
      server = EmbeddedOvsdbServer.startOrAdopt(directory, schemaJson, startTimeout);
      restarts.incrementAndGet();
    } catch (RuntimeException e) {
      log.error(
          "cannot start the embedded ovsdb-server again (next try in a moment): {}", e.toString());
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.stop();
  }
}
