package org.nsvpn.agentplugin.datapath;

import java.util.Map;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.namespacemanager.packet.PacketSocket;
import org.nsvpn.simulator.state.NetworkState;

/**
 * Carries real frames between the interfaces of this host that are bound to exterior ports of the
 * virtual network (see the package comment).
 *
 * <p>Lifecycle: {@link #create} → {@link #start()} → any number of {@link #update} → {@link
 * #close()} (idempotent; stops the polling thread and closes every socket).
 */
public interface Datapath extends AutoCloseable {

  /** Opens the packet socket of a bound interface. */
  @FunctionalInterface
  interface SocketOpener {
    PacketSocket open(String interfaceName);
  }

  /**
   * Receive timeout of the sockets {@link #create(HostId, Topology, NetworkState)} opens. The
   * datapath itself polls and never blocks in a receive; this only bounds other uses.
   */
  long RECEIVE_TIMEOUT_MILLIS = 100;

  enum State {
    CREATED,
    RUNNING,
    CLOSED
  }

  /** A datapath for {@code host}'s bindings in {@code topology}, opening real AF_PACKET sockets. */
  static Datapath create(HostId host, Topology topology, NetworkState state) {
    return create(host, topology, state, name -> PacketSocket.open(name, RECEIVE_TIMEOUT_MILLIS));
  }

  /** As {@link #create(HostId, Topology, NetworkState)}, with the given way to open sockets. */
  static Datapath create(HostId host, Topology topology, NetworkState state, SocketOpener opener) {
    return new UserspaceDatapath(host, topology, state, opener);
  }

  /** Opens the sockets of the current bindings and starts receiving. */
  void start();

  /**
   * Switches to {@code next}: frames simulated from now on see it; sockets are opened for new
   * bindings of this host and closed for bindings that went away. A binding whose interface cannot
   * be opened (it does not exist yet) is reported in {@link #unavailable()} and retried at the next
   * update.
   */
  void update(Topology next);

  /**
   * Completes once {@code port} is read through a socket on the interface called {@code
   * interfaceName} as that interface is now (a re-created interface of the same name gets a new
   * socket first). Checks at once, without waiting for the periodic maintenance; the binding must
   * be (or become, through {@link #update}) this host's. Never fails by itself: bound it with a
   * timeout.
   */
  java.util.concurrent.CompletableFuture<Void> whenReading(PortId port, String interfaceName);

  /** The ports whose interfaces are being read, with the interface names. */
  Map<PortId, String> boundPorts();

  /** Bindings of this host whose interface could not be opened, with the reason. */
  Map<PortId, String> unavailable();

  DatapathStats stats();

  State state();

  @Override
  void close();
}
