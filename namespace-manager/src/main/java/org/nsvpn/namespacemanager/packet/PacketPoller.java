package org.nsvpn.namespacemanager.packet;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.nsvpn.namespacemanager.ffi.NativeBuffer;
import org.nsvpn.namespacemanager.ffi.Syscalls;

/**
 * Waits for frames on many {@link PacketSocket}s at once (poll(2)), so that one thread can serve
 * every interface: under load it goes from socket to socket without sleeping, instead of one thread
 * per interface being woken for every frame. Another thread may {@link #wakeUp()} a waiting poll,
 * for instance after changing the set of sockets (an eventfd is part of every poll).
 *
 * <p>{@link #poll} is for one thread at a time; {@link #wakeUp()} is thread-safe.
 */
public final class PacketPoller implements AutoCloseable {
  private static final short POLLIN = 0x1;
  private static final int POLLFD_SIZE = 8;

  private final int wakeFd;
  private final NativeBuffer drainBuffer = NativeBuffer.allocate(8);
  private final NativeBuffer signalBuffer = NativeBuffer.allocate(8);
  private final AtomicBoolean closed = new AtomicBoolean();
  private NativeBuffer fds = NativeBuffer.allocate(POLLFD_SIZE * 16);

  private PacketPoller(int wakeFd) {
    this.wakeFd = wakeFd;
  }

  public static PacketPoller open() {
    return new PacketPoller(Syscalls.eventFd());
  }

  /**
   * Waits until a frame (or an error) is pending on one of {@code sockets}, {@link #wakeUp()} is
   * called, or {@code timeoutMillis} pass.
   *
   * @param ready set to whether each socket, by index, has something pending; at least as long as
   *     {@code sockets}
   * @return how many sockets have something pending
   * @throws IllegalArgumentException for a socket that is not an AF_PACKET socket of this package
   */
  public int poll(List<? extends PacketSocket> sockets, int timeoutMillis, boolean[] ready) {
    if (closed.get()) {
      throw new IllegalStateException("poller is closed");
    }
    int count = sockets.size() + 1;
    if (fds.capacity() < count * POLLFD_SIZE) {
      fds = NativeBuffer.allocate(Math.max(count, 2 * fds.capacity() / POLLFD_SIZE) * POLLFD_SIZE);
    }
    entry(0, wakeFd);
    for (int i = 0; i < sockets.size(); i++) {
      if (!(sockets.get(i) instanceof AfPacketSocket socket)) {
        throw new IllegalArgumentException("not an AF_PACKET socket: " + sockets.get(i));
      }
      entry(i + 1, socket.fd());
    }
    int events = Syscalls.poll(fds, count, timeoutMillis);
    int pending = 0;
    for (int i = 0; i < sockets.size(); i++) {
      ready[i] = events > 0 && fds.getShort((i + 1) * POLLFD_SIZE + 6) != 0;
      pending += ready[i] ? 1 : 0;
    }
    if (events > 0 && fds.getShort(6) != 0) {
      Syscalls.drainEventFd(wakeFd, drainBuffer);
    }
    return pending;
  }

  private void entry(int index, int fd) {
    int at = index * POLLFD_SIZE;
    fds.putInt(at, fd);
    fds.putShort(at + 4, POLLIN);
    fds.putShort(at + 6, (short) 0);
  }

  /** Makes a waiting {@link #poll} (or the next one) return at once. */
  public void wakeUp() {
    synchronized (signalBuffer) {
      if (!closed.get()) {
        Syscalls.signalEventFd(wakeFd, signalBuffer, 1);
      }
    }
  }

  @Override
  public void close() {
    synchronized (signalBuffer) {
      if (closed.compareAndSet(false, true)) {
        Syscalls.close(wakeFd);
      }
    }
  }
}
