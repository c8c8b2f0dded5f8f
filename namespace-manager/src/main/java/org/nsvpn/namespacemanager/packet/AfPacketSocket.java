package org.nsvpn.namespacemanager.packet;

import java.util.concurrent.atomic.AtomicBoolean;
import org.nsvpn.namespacemanager.ffi.NativeBuffer;
import org.nsvpn.namespacemanager.ffi.Syscalls;

/**
 * {@link PacketSocket} over jnr-ffi. The socket is created with protocol 0, so it receives nothing
 * until it is bound to its interface with ETH_P_ALL: no frame of another interface ever slips in.
 */
final class AfPacketSocket implements PacketSocket {
  static final int AF_PACKET = 17;
  static final int ETH_P_ALL = 0x0003;
  static final int SOL_PACKET = 263;
  static final int PACKET_ADD_MEMBERSHIP = 1;
  static final int PACKET_MR_PROMISC = 1;
  static final int PACKET_IGNORE_OUTGOING = 23;
  static final int PACKET_VNET_HDR = 15;

  /**
   * struct sockaddr_ll, linux/if_packet.h: family u16, protocol be16, ifindex s32, ... = 20 bytes.
   */
  static final int SOCKADDR_LL_SIZE = 20;

  /** struct packet_mreq, linux/if_packet.h: ifindex s32, type u16, alen u16, address[8]. */
  static final int PACKET_MREQ_SIZE = 16;

  private final String interfaceName;
  private final int interfaceIndex;
  private final int fd;
  private final NativeBuffer receiveBuffer = NativeBuffer.allocate(BUFFER);
  private final NativeBuffer sendBuffer = NativeBuffer.allocate(BUFFER);
  private final byte[] headerBytes = new byte[VirtioNetHeader.LENGTH];
  private final AtomicBoolean closed = new AtomicBoolean();

  /** The errno of the last frame of a batch the kernel refused, under {@code sendBuffer}. */
  private volatile int lastSendError;

  private AfPacketSocket(String interfaceName, int interfaceIndex, int fd) {
    this.interfaceName = interfaceName;
    this.interfaceIndex = interfaceIndex;
    this.fd = fd;
  }

  static AfPacketSocket open(String interfaceName, long receiveTimeoutMillis) {
    if (receiveTimeoutMillis <= 0) {
      throw new IllegalArgumentException(
          "receive timeout must be positive: " + receiveTimeoutMillis);
    }
    int index = Syscalls.interfaceIndex(interfaceName);
    int fd = Syscalls.socket(AF_PACKET, Syscalls.SOCK_RAW | Syscalls.SOCK_CLOEXEC, 0);
    try {
      Syscalls.setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, 1);
      NativeBuffer address = NativeBuffer.allocate(SOCKADDR_LL_SIZE);
      address.putShort(0, (short) AF_PACKET);
      address.putShort(2, Short.reverseBytes((short) ETH_P_ALL)); // sll_protocol is big-endian
      address.putInt(4, index);
      Syscalls.bind(fd, address, SOCKADDR_LL_SIZE, "AF_PACKET on " + interfaceName);
      Syscalls.setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1);
      NativeBuffer membership = NativeBuffer.allocate(PACKET_MREQ_SIZE);
      membership.putInt(0, index);
      membership.putInt(4, PACKET_MR_PROMISC);
      Syscalls.setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, membership, PACKET_MREQ_SIZE);
      Syscalls.setReceiveTimeout(fd, receiveTimeoutMillis);
      return new AfPacketSocket(interfaceName, index, fd);
    } catch (RuntimeException e) {
      Syscalls.close(fd);
      throw e;
    }
  }

  @Override
  public String interfaceName() {
    return interfaceName;
  }

  @Override
  public int interfaceIndex() {
    return interfaceIndex;
  }

  /** The descriptor, for {@link PacketPoller}; valid until {@link #close()}. */
  int fd() {
    return fd;
  }

  @Override
  public int receive(byte[] target) {
    return receive(target, false);
  }

  @Override
  public int receiveNow(byte[] target) {
    return receive(target, true);
  }

  private int receive(byte[] target, boolean dontWait) {
    if (target.length < BUFFER) {
      throw new IllegalArgumentException(
          "target holds " + target.length + " bytes, need " + BUFFER);
    }
    requireOpen();
    int length = Syscalls.receiveDatagram(fd, receiveBuffer, dontWait);
    if (length < 0) {
      return -1;
    }
    if (length > BUFFER) {
      return -2;
    }
    if (length < VirtioNetHeader.LENGTH) {
      // Cannot happen with PACKET_VNET_HDR set; a frame without its header is useless.
      return -2;
    }
    receiveBuffer.get(0, target, 0, length);
    return length - VirtioNetHeader.LENGTH;
  }

  @Override
  public int receiveNow(FrameBatch batch, int maxFrames) {
    if (maxFrames <= 0) {
      throw new IllegalArgumentException("at least one frame: " + maxFrames);
    }
    requireOpen();
    int count = Math.min(batch.prepareReceive(), maxFrames);
    batch.received(Syscalls.receiveMessagesNow(fd, batch.messages(), count));
    return batch.size();
  }

  @Override
  public int send(FrameBatch batch) {
    int refused = 0;
    synchronized (sendBuffer) {
      requireOpen();
      batch.prepareSend();
      int next = 0;
      while (next < batch.size()) {
        int sent = Syscalls.sendMessages(fd, batch.messages(), next, batch.size() - next);
        if (sent < 0) {
          // The kernel refused frame `next` (too big, interface down, ...): skip it, go on.
          batch.markSent(next++, false);
          refused++;
          lastSendError = -sent;
          continue;
        }
        for (int i = next; i < next + sent; i++) {
          batch.markSent(i, true);
        }
        next += sent;
      }
    }
    return refused;
  }

  @Override
  public int lastSendError() {
    return lastSendError;
  }

  @Override
  public void send(VirtioNetHeader header, byte[] frame, int offset, int length) {
    if (length > MAX_FRAME) {
      throw new IllegalArgumentException(length + " bytes exceed the largest frame " + MAX_FRAME);
    }
    synchronized (sendBuffer) {
      requireOpen();
      header.encode(headerBytes, 0);
      sendBuffer.put(0, headerBytes, 0, VirtioNetHeader.LENGTH);
      sendBuffer.put(VirtioNetHeader.LENGTH, frame, offset, length);
      Syscalls.sendDatagram(fd, sendBuffer, VirtioNetHeader.LENGTH + length);
    }
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new IllegalStateException("packet socket on " + interfaceName + " is closed");
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      synchronized (sendBuffer) {
        Syscalls.close(fd);
      }
    }
  }

  @Override
  public String toString() {
    return "PacketSocket["
        + interfaceName
        + "#"
        + interfaceIndex
        + (closed.get() ? ", closed" : "")
        + "]";
  }
}
