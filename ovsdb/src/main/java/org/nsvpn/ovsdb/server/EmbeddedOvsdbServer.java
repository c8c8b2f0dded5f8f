package org.nsvpn.ovsdb.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.nsvpn.ovsdb.api.OvsdbEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@code ovsdb-server} serving one database file on a unix socket, all in one private directory
 * (mode 0700): {@code db} (the database, created from the schema on first start), {@code db.sock},
 * {@code ovsdb-server.pid}, {@code ovsdb-server.ctl}, {@code ovsdb-server.log}.
 *
 * <p>{@link #startOrAdopt} starts the server detached, so that it outlives an agent that is killed,
 * and the next agent adopts it through the pid file (the pid must be a live process whose
 * executable is ovsdb-server). {@link #stop()} stops it by pid (SIGTERM, then SIGKILL); {@link
 * #close()} only lets go of it.
 */
public final class EmbeddedOvsdbServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedOvsdbServer.class);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  private static final Duration POLL = Duration.ofMillis(20);

  private final Path directory;
  private final long pid;
  private final boolean adopted;
  private final AtomicBoolean stopped = new AtomicBoolean();

  private EmbeddedOvsdbServer(Path directory, long pid, boolean adopted) {
    this.directory = directory;
    this.pid = pid;
    this.adopted = adopted;
  }

  /**
   * Adopts the server running in {@code directory}, or starts one, creating the database from
   * {@code schemaJson} if there is none yet; returns once it accepts connections.
   *
   * @throws IllegalStateException when ovsdb-server is not installed (says how to install it),
   *     exits at once, or does not answer within {@code timeout}
   */
  public static EmbeddedOvsdbServer startOrAdopt(
      Path directory, String schemaJson, Duration timeout) {
    try {
      Files.createDirectories(directory);
      Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + directory, e);
    }
    Optional<Long> running = runningPid(directory);
    if (running.isPresent()) {
      EmbeddedOvsdbServer server = new EmbeddedOvsdbServer(directory, running.get(), true);
      server.awaitSocket(timeout);
      log.info("adopted ovsdb-server pid {} in {}", running.get(), directory);
      return server;
    }
    Path db = directory.resolve("db");
    if (!Files.exists(db)) {
      DatabaseFile.create(db, schemaJson);
    }
    deleteIfExists(directory.resolve("db.sock"));
    deleteIfExists(pidFile(directory));
    List<String> command =
        List.of(
            "ovsdb-server",
            db.toString(),
            "--remote=punix:" + directory.resolve("db.sock"),
            "--pidfile=" + pidFile(directory),
            "--unixctl=" + directory.resolve("ovsdb-server.ctl"),
            "--log-file=" + directory.resolve("ovsdb-server.log"),
            "--detach",
            "--no-chdir");
    Process launcher;
    try {
      launcher = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot run ovsdb-server (Debian package openvswitch-common; scripts/install-deps installs"
              + " it): "
              + e.getMessage(),
          e);
    }
    String output;
    try {
      launcher.getOutputStream().close();
      output = new String(launcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!launcher.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        launcher.destroyForcibly();
        throw new IllegalStateException("ovsdb-server did not detach within " + timeout);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted starting ovsdb-server", e);
    }
    if (launcher.exitValue() != 0) {
      throw new IllegalStateException(
          "ovsdb-server failed to start (exit " + launcher.exitValue() + "): " + output);
    }
    long pid =
        runningPid(directory)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "ovsdb-server detached but left no live pid in " + pidFile(directory)));
    EmbeddedOvsdbServer server = new EmbeddedOvsdbServer(directory, pid, false);
    server.awaitSocket(timeout);
    log.info("started ovsdb-server pid {} in {}", pid, directory);
    return server;
  }

  /** The server's socket. */
  public OvsdbEndpoint endpoint() {
    return new OvsdbEndpoint.Unix(directory.resolve("db.sock"));
  }

  public long pid() {
    return pid;
  }

  /** True when a running server was found rather than started. */
  public boolean adopted() {
    return adopted;
  }

  public Path directory() {
    return directory;
  }

  /** True while the process lives. */
  public boolean isAlive() {
    return isOvsdbServer(pid);
  }

  /** Stops the server by pid: SIGTERM, then SIGKILL after a grace period. Idempotent. */
  public void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(p -> isOvsdbServer(pid));
    if (handle.isEmpty()) {
      return;
    }
    handle.get().destroy();
    if (!awaitExit(pid, STOP_GRACE)) {
      log.warn("ovsdb-server pid {} ignored SIGTERM for {}; killing it", pid, STOP_GRACE);
      handle.get().destroyForcibly();
      awaitExit(pid, STOP_GRACE);
    }
    log.info("stopped ovsdb-server pid {}", pid);
  }

  /** Lets go of the server without stopping it (the next agent adopts it). */
  @Override
  public void close() {}

  private void awaitSocket(Duration timeout) {
    Path socket = directory.resolve("db.sock");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (Files.exists(socket)) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
          channel.connect(UnixDomainSocketAddress.of(socket));
          return;
        } catch (IOException e) {
          // not accepting yet
        }
      }
      if (!isOvsdbServer(pid)) {
        throw new IllegalStateException(
            "ovsdb-server pid " + pid + " exited; see " + directory.resolve("ovsdb-server.log"));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "ovsdb-server did not accept connections on " + socket + " within " + timeout);
      }
      pause();
    }
  }

  private static Path pidFile(Path directory) {
    return directory.resolve("ovsdb-server.pid");
  }

  /** The pid in the directory's pid file, if it names a live ovsdb-server. */
  private static Optional<Long> runningPid(Path directory) {
    try {
      String text = Files.readString(pidFile(directory)).trim();
      long pid = Long.parseLong(text);
      return isOvsdbServer(pid) ? Optional.of(pid) : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static boolean isOvsdbServer(long pid) {
    try {
      return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe"))
          .getFileName()
          .toString()
          .equals("ovsdb-server");
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean awaitExit(long pid, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (isOvsdbServer(pid)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      pause();
    }
    return true;
  }

  private static void pause() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for ovsdb-server", e);
    }
  }

  private static void deleteIfExists(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove stale " + file, e);
    }
  }

  @Override
  public String toString() {
    return "ovsdb-server[pid " + pid + (adopted ? ", adopted" : "") + ", " + directory + "]";
  }
}
