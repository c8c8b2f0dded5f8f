package org.nsvpn.namespacemanager.packet;

import org.nsvpn.chainrules.model.HostBinding;

/**
 * An AF_PACKET socket bound to one interface: receives every frame arriving on it (promiscuously)
 * and sends frames out of it. Frames this host transmits on the interface, including those sent
 * through this socket, are not received again ({@code PACKET_IGNORE_OUTGOING}).
 *
 * <p>Every frame travels with its {@link VirtioNetHeader} ({@code PACKET_VNET_HDR}), so the
 * interfaces keep their offloads: a frame the kernel hands over may have a partial checksum or be a
 * TCP or UDP super-frame of up to 64 KiB, and the header says so; a frame sent with such a header
 * has its checksum completed and is segmented by the kernel. Without the header, every interface
 * feeding a userspace datapath would need its transmit offloads turned off.
 *
 * <p>Receiving is for one thread at a time; sending is thread-safe. {@link #close()} is idempotent;
 * a receive blocked in another thread returns within the receive timeout.
 */
public interface PacketSocket extends AutoCloseable {

  /**
   * Largest frame this socket receives whole; longer ones are reported truncated and dropped. The
   * largest IP packet (a GSO super-frame can be one) in a VLAN-tagged Ethernet frame.
   */
  int MAX_FRAME = 65_535 + 18;

  /** Size of a receive buffer: a {@link VirtioNetHeader} and a frame of {@link #MAX_FRAME}. */
  int BUFFER = VirtioNetHeader.LENGTH + MAX_FRAME;

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
   * Waits for the next frame and copies its {@link VirtioNetHeader} into the first {@link
   * VirtioNetHeader#LENGTH} bytes of {@code target} (at least {@link #BUFFER} bytes) and the frame
   * right after it.
   *
   * @return the frame's length, header not included; -1 when the timeout passed without a frame; -2
   *     when a frame longer than {@link #MAX_FRAME} arrived and was dropped
   * @throws IllegalStateException when the socket is closed
   */
  int receive(byte[] target);

  /**
   * {@link #receive} without waiting: -1 at once when no frame is queued. For a thread that waits
   * on many sockets with a {@link PacketPoller}.
   */
  int receiveNow(byte[] target);

  /**
   * Takes the frames queued, up to {@code maxFrames} and the batch's capacity, in one system call
   * (recvmmsg), without waiting; what the batch held before is replaced. A caller that sees large
   * frames asks for fewer at a time: batching saves a system call per frame, which matters for
   * small frames, while a few 64 KiB super-frames are already more bytes than a CPU cache keeps
   * warm until they are read.
   *
   * @return how many frames the batch now holds (0 when none was queued); a frame longer than
   *     {@link #MAX_FRAME} is in it with length -2
   * @throws IllegalStateException when the socket is closed
   * @throws org.nsvpn.namespacemanager.ffi.SystemCallException when the socket failed
   */
  int receiveNow(FrameBatch batch, int maxFrames);

  /**
   * Sends the frames of {@code batch} in as few system calls as the kernel allows (sendmmsg). A
   * frame the kernel refuses is skipped, not retried, and the rest still go: {@link
   * FrameBatch#sent} says which were taken.
   *
   * @return how many frames the kernel refused
   * @throws IllegalStateException when the socket is closed
   */
  int send(FrameBatch batch);

  /** The errno of the last frame {@link #send(FrameBatch)} saw refused, 0 if none was. */
  int lastSendError();

  /**
   * Sends {@code length} bytes of {@code frame} from {@code offset} as one whole, checksummed
   * Ethernet frame ({@link VirtioNetHeader#NONE}).
   *
   * @throws IllegalStateException when the socket is closed
   * @throws org.nsvpn.namespacemanager.ffi.SystemCallException when the kernel refuses it (for
   *     example ENETDOWN while the interface is down, EMSGSIZE beyond its MTU)
   */
  default void send(byte[] frame, int offset, int length) {
    send(VirtioNetHeader.NONE, frame, offset, length);
  }

  /**
   * Sends {@code length} bytes of {@code frame} from {@code offset} with {@code header}: the kernel
   * completes the checksum it marks as partial and cuts a GSO frame into segments (in the device,
   * or in software when the device cannot).
   *
   * @throws IllegalStateException when the socket is closed
   * @throws org.nsvpn.namespacemanager.ffi.SystemCallException when the kernel refuses it (EINVAL
   *     for a header that does not fit the frame, ENETDOWN, EMSGSIZE, ...)
   */
  void send(VirtioNetHeader header, byte[] frame, int offset, int length);

  @Override
  void close();
}
