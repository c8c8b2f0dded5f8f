package org.nsvpn.agentplugin.datapath;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.nsvpn.agentplugin.datapath.ControlProtocol.Line;
import org.nsvpn.chainrules.SafeText;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.model.HostBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@link ControlProtocol} for the datapath of the nsvpn-datapath process: one thread
 * accepts, one thread per connected client reads its requests (normally one client, the agent).
 *
 * <p>Lifecycle: {@link #start} binds the socket (the caller holds the datapath lock, so a socket
 * file left there is stale and replaced) → requests → {@link #close()} (idempotent; removes the
 * socket file if it is still ours). A {@code handover} request runs the handover action (which
 * stops forwarding and releases the lock), answers, closes this server and completes {@link
 * #handedOver()}.
 */
public final class ControlServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

  private final Path socket;
  private final ServerSocketChannel server;
  private final DatapathControl datapath;
  private final Runnable handover;
  private final Thread acceptor;
  private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Void> handedOver = new CompletableFuture<>();

  /** The ports the last fence request named. Guarded by this. */
  private final Set<PortId> fenced = new HashSet<>();

  /** The ports the last guard request named. Guarded by this. */
  private final Set<PortId> guarded = new HashSet<>();

  /** The connections that sent a guard set: the agents'. Guarded by this. */
  private final Set<SocketChannel> agents = new HashSet<>();

  /** The ports the datapath holds now: fenced, plus guarded while no agent is connected. */
  private final Set<PortId> held = new HashSet<>();

  private volatile boolean closed;

  private ControlServer(
      Path socket, ServerSocketChannel server, DatapathControl datapath, Runnable handover) {
    this.socket = socket;
    this.server = server;
    this.datapath = datapath;
    this.handover = handover;
    this.acceptor = new Thread(this::accept, "nsvpn-datapath-control");
    acceptor.setDaemon(true);
  }

  /**
   * Serves {@code datapath} on {@code socket}, readable and writable by the owner only.
   *
   * @param handover stops forwarding and releases the datapath lock; run at most once
   */
  public static ControlServer start(Path socket, DatapathControl datapath, Runnable handover) {
    ServerSocketChannel server = null;
    // Bound under a temporary name and renamed once only the owner may connect: no client ever
    // reaches a socket with the umask's permissions.
    Path partial =
        socket.resolveSibling(
            socket.getFileName() + "." + ProcessHandle.current().pid() + ".partial");
    try {
      Files.deleteIfExists(partial);
      server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(partial));
      Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-------"));
      Files.move(
          partial, socket, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try {
        if (server != null) {
          server.close();
        }
        Files.deleteIfExists(partial);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new UncheckedIOException("cannot serve the datapath's control socket " + socket, e);
    }
    ControlServer control = new ControlServer(socket, server, datapath, handover);
    control.acceptor.start();
    log.info("datapath control socket: {}", socket);
    return control;
  }

  /** Completes once a handover was answered: the process should exit. */
  public CompletableFuture<Void> handedOver() {
    return handedOver;
  }

  private void accept() {
    while (!closed) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (!closed) {
          log.error("datapath control socket failed; the agent cannot reach this datapath", e);
        }
        return;
      }
      clients.add(client);
      Thread t = new Thread(() -> serve(client), "nsvpn-datapath-control-client");
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(SocketChannel client) {
    try (client;
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8))) {
      for (String text = in.readLine(); text != null && !closed; text = in.readLine()) {
        if (text.length() > ControlProtocol.MAX_LINE) {
          reply(client, "- " + ControlProtocol.ERROR + " line too long");
          return;
        }
        if (handle(client, text)) {
          return;
        }
      }
    } catch (IOException e) {
      log.debug("datapath control client gone: {}", e.toString());
    } finally {
      clients.remove(client);
      agentGone(client);
    }
  }

  /** Handles one request; true when the connection ends with it (a handover). */
  private boolean handle(SocketChannel client, String text) {
    Line line;
    try {
      line = Line.parse(text);
    } catch (RuntimeException e) {
      reply(client, "- " + ControlProtocol.ERROR + " " + e.getMessage());
      return false;
    }
    String id = line.id();
    try {
      switch (line.verb()) {
        case ControlProtocol.READING -> {
          if (line.args().size() != 2) {
            throw new IllegalArgumentException("expected: ID reading PORT-UUID INTERFACE");
          }
          PortId port = PortId.parse(line.args().get(0));
          String name = HostBinding.requireInterfaceName("interface", line.args().get(1));
          datapath
              .whenReading(port, name)
              .whenComplete(
                  (ok, failure) ->
                      reply(
                          client,
                          failure == null
                              ? id + " " + ControlProtocol.OK
                              : id + " " + ControlProtocol.ERROR + " " + failure.getMessage()));
        }
        case ControlProtocol.FENCE -> {
          Set<PortId> ports = ports(line);
          synchronized (this) {
            fenced.clear();
            fenced.addAll(ports);
            applyHolds();
          }
          reply(client, id + " " + ControlProtocol.OK);
        }
        case ControlProtocol.GUARD -> {
          Set<PortId> ports = ports(line);
          synchronized (this) {
            guarded.clear();
            guarded.addAll(ports);
            agents.add(client);
            applyHolds();
          }
          reply(client, id + " " + ControlProtocol.OK);
        }
        case ControlProtocol.STATE -> reply(client, id + " " + datapath.state().name());
        case ControlProtocol.HANDOVER -> {
          long start = System.nanoTime();
          handover.run();
          log.info(
              "handed the datapath over to a new nsvpn-datapath process: stopped forwarding in {}"
                  + " ms",
              java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
          // The successor binds the socket's name once it has the lock: never remove it here.
          // Other clients (the agent) reconnect to the successor.
          stop(false, client);
          reply(client, id + " " + ControlProtocol.OK);
          handedOver.complete(null);
          return true;
        }
        default ->
            throw new IllegalArgumentException("unknown request " + SafeText.escape(line.verb()));
      }
    } catch (RuntimeException e) {
      reply(client, id + " " + ControlProtocol.ERROR + " " + e.getMessage());
    }
    return false;
  }

  private static Set<PortId> ports(Line line) {
    Set<PortId> ports = new HashSet<>();
    for (String word : line.args()) {
      ports.add(PortId.parse(word));
    }
    return ports;
  }

  /** Brings the datapath's holds to: fenced, plus guarded while no agent is connected. */
  private synchronized void applyHolds() {
    Set<PortId> next = new HashSet<>(fenced);
    if (agents.isEmpty()) {
      next.addAll(guarded);
    }
    for (PortId port : next) {
      if (held.add(port)) {
        datapath.hold(port);
      }
    }
    for (PortId port : Set.copyOf(held)) {
      if (!next.contains(port)) {
        held.remove(port);
        datapath.release(port);
      }
    }
  }

  private synchronized void agentGone(SocketChannel client) {
    if (agents.remove(client) && agents.isEmpty() && !closed) {
      if (!guarded.isEmpty()) {
        log.warn(
            "the agent disconnected: holding the namespace ports of its scheduled gateways {}"
                + " until an agent connects again",
            guarded);
      }
      applyHolds();
    }
  }

  private static void reply(SocketChannel client, String text) {
    ByteBuffer bytes =
        ByteBuffer.wrap((text.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8));
    synchronized (client) {
      try {
        while (bytes.hasRemaining()) {
          client.write(bytes);
        }
      } catch (IOException e) {
        log.debug("cannot answer a datapath control client: {}", e.toString());
      }
    }
  }

  /** Stops serving and removes the socket file. */
  @Override
  public void close() {
    stop(true, null);
  }

  private void stop(boolean removeSocket, SocketChannel except) {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      server.close();
    } catch (IOException e) {
      log.debug("closing the control socket: {}", e.toString());
    }
    for (SocketChannel client : clients) {
      if (client != except) {
        try {
          client.close();
        } catch (IOException e) {
          log.debug("closing a control client: {}", e.toString());
        }
      }
    }
    if (removeSocket) {
      try {
        Files.deleteIfExists(socket);
      } catch (IOException e) {
        log.debug("removing the control socket: {}", e.toString());
      }
    }
  }
}
