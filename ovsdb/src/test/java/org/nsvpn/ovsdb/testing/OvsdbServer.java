package org.nsvpn.ovsdb.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.nsvpn.ovsdb.api.OvsdbEndpoint;
import org.nsvpn.ovsdb.ipsec.IpsecSchema;
import org.nsvpn.ovsdb.wire.OvsdbJson;

/**
 * A real {@code ovsdb-server} in a private temporary directory, for tests and benchmarks: creates
 * the database with {@code ovsdb-tool create}, serves it on a unix socket (and optionally on a
 * loopback TCP port), and offers {@code ovsdb-client} as an independent oracle ({@link #dump},
 * {@link #transact}).
 *
 * <p>The server is stopped by its pid (from its pid file, after checking that the pid still belongs
 * to an ovsdb-server) on {@link #stop()}, {@link #close()} and, as a last resort, in a JVM shutdown
 * hook, so an interrupted run leaves no process behind. {@link #close()} also deletes the
 * directory. When the Open vSwitch tools are missing, {@link #start} fails and says how to install
 * them.
 */
public final class OvsdbServer implements AutoCloseable {
  private static final long COMMAND_TIMEOUT_SECONDS = 30;

  private final Path dir;
  private final Path db;
  private final Path socket;
  private final String database;
  private final OptionalInt tcpPort;
  private final Thread shutdownHook;
  private long pid = -1;
  private boolean closed;

  private OvsdbServer(Path dir, String database, OptionalInt tcpPort) {
    this.dir = dir;
    this.db = dir.resolve("db");
    this.socket = dir.resolve("db.sock");
    this.database = database;
    this.tcpPort = tcpPort;
    this.shutdownHook = new Thread(this::stopQuietly, "ovsdb-server-cleanup-" + dir.getFileName());
  }

  /** A server for nsvpn's shipped IPsec schema, on a unix socket. */
  public static OvsdbServer startIpsec() {
    return start(IpsecSchema.schemaJson(), IpsecSchema.DATABASE, false);
  }

  /** A server for nsvpn's IPsec schema, on a unix socket and on a loopback TCP port. */
  public static OvsdbServer startIpsecWithTcp() {
    return start(IpsecSchema.schemaJson(), IpsecSchema.DATABASE, true);
  }

  /** A server for the schema {@code schemaJson} (whose name is {@code database}). */
  public static OvsdbServer start(String schemaJson, String database, boolean tcp) {
    requireTools();
    Path dir;
    try {
      dir = Files.createTempDirectory("nsvpn-ovsdb-");
      Files.writeString(dir.resolve("schema.ovsschema"), schemaJson);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temp dir for ovsdb-server", e);
    }
    OvsdbServer server =
        new OvsdbServer(dir, database, tcp ? OptionalInt.of(freePort()) : OptionalInt.empty());
    try {
      run("ovsdb-tool", "create", server.db.toString(), dir.resolve("schema.ovsschema").toString());
      Runtime.getRuntime().addShutdownHook(server.shutdownHook);
      server.launch();
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** The database name. */
  public String database() {
    return database;
  }

  /** The unix socket endpoint. */
  public OvsdbEndpoint endpoint() {
    return new OvsdbEndpoint.Unix(socket);
  }

  /** The TCP endpoint (127.0.0.1), when the server was started with one. */
  public OvsdbEndpoint tcpEndpoint() {
    return new OvsdbEndpoint.Tcp("127.0.0.1", tcpPort.orElseThrow());
  }

  /** The unix socket's path. */
  public Path socket() {
    return socket;
  }

  /** The server's pid (-1 while stopped). */
  public synchronized long pid() {
    return pid;
  }

  /** Whether the server process is alive. */
  public synchronized boolean running() {
    return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Stops the server (SIGTERM, then SIGKILL if it lingers), keeping the database file. */
  public synchronized void stop() {
    if (pid <= 0) {
      return;
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isPresent() && isOvsdbServer(handle.get())) {
      handle.get().destroy();
      if (!awaitExit(pid, 10_000)) {
        handle.get().destroyForcibly();
        if (!awaitExit(pid, 10_000)) {
          throw new IllegalStateException("ovsdb-server " + pid + " survived SIGKILL");
        }
      }
    }
    pid = -1;
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the server again on the same database, socket and port. */
  public synchronized void restart() {
    stop();
    launch();
  }

  /**
   * The rows of {@code table} as {@code ovsdb-client --format=json dump} prints them (an
   * independent reader): one JSON object per row, column name to RFC 7047 value.
   */
  public List<ObjectNode> rows(String table) {
    String out = run("ovsdb-client", "--format=json", "dump", "unix:" + socket, database, table);
    try {
      JsonNode dump = OvsdbJson.MAPPER.readTree(out);
      List<ObjectNode> rows = new ArrayList<>();
      JsonNode headings = dump.get("headings");
      for (JsonNode data : dump.get("data")) {
        ObjectNode row = OvsdbJson.MAPPER.createObjectNode();
        for (int i = 0; i < headings.size(); i++) {
          row.set(headings.get(i).asText(), data.get(i));
        }
        rows.add(row);
      }
      return rows;
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("unparseable ovsdb-client dump output: " + out, e);
    }
  }

  /** {@code ovsdb-client dump} in its table format, for a human reading a test failure. */
  public String dumpText() {
    return run("ovsdb-client", "dump", "unix:" + socket, database);
  }

  /** {@code ovsdb-client transact} of {@code operationsJson} (a JSON array of operations). */
  public JsonNode transact(String operationsJson) {
    String params = "[\"" + database + "\"," + operationsJson.trim().substring(1);
    String out = run("ovsdb-client", "transact", "unix:" + socket, params);
    try {
      return OvsdbJson.MAPPER.readTree(out);
    } catch (IOException e) {
      throw new UncheckedIOException("unparseable ovsdb-client transact output: " + out, e);
    }
  }

  /**
   * How many transactions the database file holds ({@code ovsdb-tool show-log}): each committed
   * transaction that changed something is one record. An independent count of transactions.
   */
  public long transactionCount() {
    String out = run("ovsdb-tool", "show-log", db.toString());
    return out.lines().filter(l -> l.startsWith("record ")).count() - 1;
  }

  /**
   * {@code ovsdb-tool transact} on the database file while the server is stopped: changes the data
   * behind every client's back.
   */
  public synchronized JsonNode offlineTransact(String operationsJson) {
    if (pid > 0) {
      throw new IllegalStateException("stop the server before an offline transaction");
    }
    String params = "[\"" + database + "\"," + operationsJson.trim().substring(1);
    String out = run("ovsdb-tool", "transact", db.toString(), params);
    try {
      return OvsdbJson.MAPPER.readTree(out);
    } catch (IOException e) {
      throw new UncheckedIOException("unparseable ovsdb-tool transact output: " + out, e);
    }
  }

  /**
   * Asks the server to compact its database file ({@code ovs-appctl ovsdb-server/compact}), which
   * otherwise grows by every transaction; long benchmarks call it between iterations.
   */
  public synchronized void compact() {
    run("ovs-appctl", "-t", dir.resolve("ctl").toString(), "ovsdb-server/compact");
  }

  /** Stops the server and deletes its directory. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stop();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException | IllegalArgumentException e) {
        // shutting down already, or the hook was never added
      }
      deleteTree(dir);
    }
  }

  private synchronized void launch() {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "ovsdb-server",
                db.toString(),
                "--remote=punix:" + socket,
                "--pidfile=" + dir.resolve("pid"),
                "--unixctl=" + dir.resolve("ctl"),
                "--log-file=" + dir.resolve("log"),
                "--detach",
                "--no-chdir"));
    tcpPort.ifPresent(p -> cmd.add("--remote=ptcp:" + p + ":127.0.0.1"));
    run(cmd.toArray(String[]::new));
    try {
      pid = Long.parseLong(Files.readString(dir.resolve("pid")).trim());
    } catch (IOException | NumberFormatException e) {
      throw new IllegalStateException("ovsdb-server started but its pid file is unreadable", e);
    }
  }

  /**
   * Polls until {@code pid} has exited, with a deadline. The detached server is not our child, so
   * its exit leaves a zombie until init reaps it (about a second here); a zombie counts as exited.
   */
  private static boolean awaitExit(long pid, long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    while (System.nanoTime() < deadline) {
      String text;
      try {
        text = Files.readString(stat);
      } catch (IOException e) {
        return true; // gone
      }
      int close = text.lastIndexOf(')');
      char state = close >= 0 && close + 2 < text.length() ? text.charAt(close + 2) : '?';
      if (state == 'Z' || state == 'X') {
        return true;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private void stopQuietly() {
    try {
      stop();
    } catch (RuntimeException e) {
      // best effort at JVM exit
    }
  }

  private static boolean isOvsdbServer(ProcessHandle p) {
    return p.info().command().map(c -> c.endsWith("ovsdb-server")).orElse(true);
  }

  private static void requireTools() {
    for (String tool : List.of("ovsdb-server", "ovsdb-tool", "ovsdb-client")) {
      if (which(tool).isEmpty()) {
        throw new IllegalStateException(
            tool
                + " not found on PATH, /usr/sbin or /usr/bin: the OVSDB integration tests need the"
                + " Debian package openvswitch-common (run scripts/install-deps as root, or"
                + " apt-get install openvswitch-common)");
      }
    }
  }

  private static Optional<Path> which(String tool) {
    List<String> dirs =
        new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    dirs.addAll(List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin"));
    return dirs.stream()
        .filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, tool))
        .filter(Files::isExecutable)
        .findFirst();
  }

  private static String run(String... command) {
    List<String> cmd = new ArrayList<>(List.of(command));
    cmd.set(0, which(command[0]).map(Path::toString).orElse(command[0]));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      byte[] out;
      try {
        out = p.getInputStream().readAllBytes();
        if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException(String.join(" ", command) + ": timed out");
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IllegalStateException(String.join(" ", command) + ": interrupted", e);
      }
      String text = new String(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " exited with " + p.exitValue() + ": " + text.trim());
      }
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command[0], e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }

  @Override
  public String toString() {
    return "ovsdb-server[" + dir + ", pid " + pid + "]";
  }
}
