package org.nsvpn.namespacemanager.packet;

import org.nsvpn.chainrules.model.HostBinding;

/**
 * An AF_PACKET socket bound to one interface: receives every frame arriving on it (promiscuously)
 * and sends frames out of it. Frames this host transmits on the interface, including those sent
 * through this socket, are not received again ({@code PACKET_IGNORE_OUTGOING}).
 *
 * <p>Receiving is for one thread at a time; sending is thread-safe. {@link #close()} is idempotent;
 * a receive blocked in another thread returns within the receive timeout.
 */
public interface PacketSocket extends AutoCloseable {

  /** Largest frame this socket receives whole; longer ones are reported truncated and dropped. */
  int MAX_FRAME = 65_535;

  /**
   * Opens a socket on {@code interfaceName} in the calling thread's network namespace; to open one
   * in another namespace, call this inside {@link
   * org.nsvpn.namespacemanager.netns.NetworkNamespaces#run} (the socket stays in the namespace it
   * was opened in).
   *
   * @param receiveTimeoutMillis how long {@link #receive} waits before returning -1
   * @throws org.nsvpn.chainrules.InvalidValueException for an invalid interface name
   * @throws org.nsvpn.namespacemanager.ffi.SystemCallException when the interface does not exist or
   *     the socket cannot be set up (nothing stays open then)
   */
  static PacketSocket open(String interfaceName, long receiveTimeoutMillis) {
    HostBinding.requireInterfaceName("interface", interfaceName);
    return AfPacketSocket.open(interfaceName, receiveTimeoutMillis);
  }

  String interfaceName();

  int interfaceIndex();

  /**
   * Waits for the next frame and copies it into {@code target} (at least {@link #MAX_FRAME} bytes).
   *
   * @return the frame's length; -1 when the timeout passed without a frame; -2 when a frame longer
   *     than {@link #MAX_FRAME} arrived and was dropped
   * @throws IllegalStateException when the socket is closed
   */
  int receive(byte[] target);

  /**
   * {@link #receive} without waiting: -1 at once when no frame is queued. For a thread that waits
   * on many sockets with a {@link PacketPoller}.
   */
  int receiveNow(byte[] target);

  /**
   * Sends {@code length} bytes of {@code frame} from {@code offset} as one Ethernet frame.
   *
   * @throws IllegalStateException when the socket is closed
   * @throws org.nsvpn.namespacemanager.ffi.SystemCallException when the kernel refuses it (for
   *     example ENETDOWN while the interface is down, EMSGSIZE beyond its MTU)
   */
  void send(byte[] frame, int offset, int length);

  @Override
  void close();
}
