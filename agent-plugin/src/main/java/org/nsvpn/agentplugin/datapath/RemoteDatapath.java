package org.nsvpn.agentplugin.datapath;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.nsvpn.agentplugin.datapath.ControlProtocol.Line;
import org.nsvpn.chainrules.SafeText;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.model.HostBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's handle on the datapath of the nsvpn-datapath process, over {@link ControlProtocol}.
 *
 * <p>One thread keeps one connection, reconnecting every {@link #RETRY} while the process is away
 * (not started yet, restarting, upgraded). Nothing is lost meanwhile: on every (re)connection the
 * fence's whole set and every {@link #whenReading} request not yet answered are sent again (both
 * are idempotent), so a datapath that restarted learns them like the first one did.
 *
 * <p>Lifecycle: {@link #connect} → requests → {@link #close()} (idempotent; pending futures stay
 * incomplete, as callers bound them with a timeout).
 */
public final class RemoteDatapath implements DatapathControl, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RemoteDatapath.class);

  /** The control socket's name in the run directory. */
  public static final String SOCKET_NAME = ControlProtocol.SOCKET_NAME;

  /** How often a lost connection is tried again. */
  static final Duration RETRY = Duration.ofMillis(200);

  private final Path socket;
  private final Thread thread;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, Reading> pending = new ConcurrentHashMap<>();

  /** Guarded by this. */
  private final Set<PortId> held = new HashSet<>();

  /** Guarded by this. */
  private final Set<PortId> guarded = new HashSet<>();

  /** Guarded by this; null while disconnected. */
  private SocketChannel channel;

  private volatile boolean closed;

  private record Reading(PortId port, String interfaceName, CompletableFuture<Void> done) {}

  private RemoteDatapath(Path socket) {
    this.socket = socket;
    this.thread = new Thread(this::run, "nsvpn-datapath-client");
    thread.setDaemon(true);
  }

  /** Starts following the datapath at {@code socket}; returns at once, connected or not. */
  public static RemoteDatapath connect(Path socket) {
    RemoteDatapath remote = new RemoteDatapath(socket);
    remote.thread.start();
    return remote;
  }

  public Path socket() {
    return socket;
  }

  @Override
  public CompletableFuture<Void> whenReading(PortId port, String interfaceName) {
    HostBinding.requireInterfaceName("interface", interfaceName);
    long id = ids.incrementAndGet();
    Reading reading = new Reading(port, interfaceName, new CompletableFuture<>());
    pending.put(id, reading);
    // A caller that gave up (its timeout) needs no answer, and no resending either.
    reading.done().whenComplete((ok, failure) -> pending.remove(id));
    send(id, reading);
    return reading.done();
  }

  @Override
  public synchronized void hold(PortId port) {
    if (held.add(port)) {
      sendFence();
    }
  }

  @Override
  public synchronized void release(PortId port) {
    if (held.remove(port)) {
      sendFence();
    }
  }

  @Override
  public synchronized void guard(PortId port) {
    if (guarded.add(port)) {
      sendSet(ControlProtocol.GUARD, guarded);
    }
  }

  @Override
  public synchronized void unguard(PortId port) {
    if (guarded.remove(port)) {
      sendSet(ControlProtocol.GUARD, guarded);
    }
  }

  /**
   * RUNNING while connected (the process serves only while its datapath runs), else UNREACHABLE.
   */
  @Override
  public synchronized State state() {
    return channel != null ? State.RUNNING : State.UNREACHABLE;
  }

  private void run() {
    boolean wasConnected = true;
    while (!closed) {
      SocketChannel ch = null;
      try {
        ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        synchronized (this) {
          channel = ch;
          // The guard set first: it marks this connection as the agent's.
          sendSet(ControlProtocol.GUARD, guarded);
          sendFence();
        }
        pending.forEach(this::send);
        log.info("connected to the nsvpn-datapath process at {}", socket);
        wasConnected = true;
        read(ch);
      } catch (IOException e) {
        if (wasConnected && !closed) {
          log.warn(
              "the nsvpn-datapath process is not reachable at {} ({}); trying again every {} ms",
              socket,
              e.getMessage(),
              RETRY.toMillis());
        }
        wasConnected = false;
      } finally {
        synchronized (this) {
          channel = null;
        }
        if (ch != null) {
          try {
            ch.close();
          } catch (IOException e) {
            log.debug("closing the datapath connection: {}", e.toString());
          }
        }
      }
      if (!closed) {
        try {
          TimeUnit.MILLISECONDS.sleep(RETRY.toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private void read(SocketChannel ch) throws IOException {
    BufferedReader in =
        new BufferedReader(
            new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
    for (String text = in.readLine(); text != null; text = in.readLine()) {
      Line line;
      try {
        line = Line.parse(text);
      } catch (RuntimeException e) {
        log.warn("the datapath answered {}", SafeText.escape(text));
        continue;
      }
      Reading reading = pending.get(Long.parseLong(line.id()));
      if (reading == null) {
        if (line.verb().equals(ControlProtocol.ERROR)) {
          log.warn(
              "the datapath refused a request: {}", SafeText.escape(String.join(" ", line.args())));
        }
        continue;
      }
      if (line.verb().equals(ControlProtocol.OK)) {
        reading.done().complete(null);
      } else {
        reading
            .done()
            .completeExceptionally(
                new IllegalStateException(
                    "the datapath cannot read "
                        + reading.interfaceName()
                        + ": "
                        + SafeText.escape(String.join(" ", line.args()))));
      }
    }
    log.warn("the nsvpn-datapath process closed the connection; reconnecting");
  }

  private void send(long id, Reading reading) {
    write(
        id + " " + ControlProtocol.READING + " " + reading.port() + " " + reading.interfaceName());
  }

  /** Sends the fence's whole set (with the lock held, so sets are sent in the order made). */
  private void sendFence() {
    sendSet(ControlProtocol.FENCE, held);
  }

  private void sendSet(String verb, Set<PortId> ports) {
    String words = ports.stream().map(PortId::toString).sorted().collect(Collectors.joining(" "));
    write(ids.incrementAndGet() + " " + verb + (words.isEmpty() ? "" : " " + words));
  }

  /** Writes one line if connected; a lost line is sent again on the next connection. */
  private synchronized void write(String text) {
    if (channel == null) {
      return;
    }
    ByteBuffer bytes = ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.UTF_8));
    try {
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
    } catch (IOException e) {
      log.debug("datapath connection lost while writing: {}", e.toString());
      try {
        channel.close();
      } catch (IOException suppressed) {
        log.debug("closing: {}", suppressed.toString());
      }
    }
  }

  /**
   * Asks the datapath serving {@code socket} to stop and release its sockets, for a new process to
   * take over. True once it did; false when nothing serves there (no socket, or no one listening).
   *
   * @throws IllegalStateException when the serving process did not hand over within {@code timeout}
   */
  public static boolean askToHandOver(Path socket, Duration timeout) {
    if (!Files.exists(socket)) {
      return false;
    }
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      try {
        ch.connect(UnixDomainSocketAddress.of(socket));
      } catch (IOException e) {
        return false;
      }
      CompletableFuture<String> answer =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  ch.write(
                      ByteBuffer.wrap(
                          ("1 " + ControlProtocol.HANDOVER + "\n")
                              .getBytes(StandardCharsets.UTF_8)));
                  String line =
                      new BufferedReader(
                              new InputStreamReader(
                                  Channels.newInputStream(ch), StandardCharsets.UTF_8))
                          .readLine();
                  return line == null ? "closed" : line;
                } catch (IOException e) {
                  return e.toString();
                }
              });
      String line = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!line.equals("1 " + ControlProtocol.OK)) {
        throw new IllegalStateException(
            "the datapath at " + socket + " refused to hand over: " + SafeText.escape(line));
      }
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(
          "the datapath at " + socket + " did not hand over within " + timeout.toMillis() + " ms");
    } catch (java.util.concurrent.ExecutionException | IOException e) {
      throw new IllegalStateException("cannot ask the datapath at " + socket + " to hand over", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while taking over the datapath", e);
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (this) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException e) {
          log.debug("closing the datapath connection: {}", e.toString());
        }
      }
    }
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
