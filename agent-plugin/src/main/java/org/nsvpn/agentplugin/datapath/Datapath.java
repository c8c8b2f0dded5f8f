package org.nsvpn.agentplugin.datapath;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.namespacemanager.packet.PacketSocket;
import org.nsvpn.simulator.state.NetworkState;
import org.nsvpn.topology.TunnelKey;

/**
 * Carries real frames between the interfaces of this host that are bound to exterior ports of the
 * virtual network (see the package comment).
 *
 * <p>Lifecycle: {@link #create} → {@link #start()} → any number of {@link #update} → optionally
 * {@link #stop()} → {@link #close()} (idempotent; stops the polling thread and closes every
 * socket).
 */
public interface Datapath extends DatapathControl, AutoCloseable {

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

  /**
   * A datapath for {@code host}'s bindings in {@code topology}, opening real AF_PACKET sockets,
   * without an overlay (frames for ports bound elsewhere are counted as not local).
   */
  static Datapath create(HostId host, Topology topology, NetworkState state) {
    return create(host, topology, Collections.emptyNavigableMap(), state, Optional.empty());
  }

  /**
   * A datapath that reaches ports bound on other hosts through {@code underlay}, which it then owns
   * (and closes).
   *
   * @param tunnelKeys every port's tunnel key (the store's {@code StoreSnapshot.tunnelKeys()})
   */
  static Datapath create(
      HostId host,
      Topology topology,
      NavigableMap<TunnelKey, PortId> tunnelKeys,
      NetworkState state,
      Optional<Underlay> underlay) {
    return create(
        host,
        topology,
        tunnelKeys,
        state,
        name -> PacketSocket.open(name, RECEIVE_TIMEOUT_MILLIS),
        underlay);
  }

  /** As above, with the given way to open sockets. */
  static Datapath create(
      HostId host,
      Topology topology,
      NavigableMap<TunnelKey, PortId> tunnelKeys,
      NetworkState state,
      SocketOpener opener,
      Optional<Underlay> underlay) {
    return new UserspaceDatapath(host, topology, tunnelKeys, state, opener, underlay);
  }

  /** Opens the sockets of the current bindings and starts receiving (on the underlay too). */
  void start();

  /**
   * Switches to {@code next}: frames simulated from now on see it; sockets are opened for new
   * bindings of this host and closed for bindings that went away; frames for ports bound on other
   * hosts are tunnelled by {@code tunnelKeys}. A binding whose interface cannot be opened (it does
   * not exist yet) is reported in {@link #unavailable()} and retried at the next update.
   */
  void update(Topology next, NavigableMap<TunnelKey, PortId> tunnelKeys);

  /** {@link #update(Topology, NavigableMap)} for a datapath without an overlay. */
  default void update(Topology next) {
    update(next, Collections.emptyNavigableMap());
  }

  /** The ports whose interfaces are being read, with the interface names. */
  Map<PortId, String> boundPorts();

  /** Bindings of this host whose interface could not be opened, with the reason. */
  Map<PortId, String> unavailable();

  DatapathStats stats();

  /**
   * Stops forwarding at once: the polling threads end and the underlay's port is released, but the
   * interfaces' sockets stay open (frames queue on them unread) until {@link #close()}. For a
   * handover: closing an AF_PACKET socket waits for a kernel grace period (tens of milliseconds
   * each), which a successor need not wait for, as it opens sockets of its own. Idempotent.
   */
  void stop();

  @Override
  void close();
}
