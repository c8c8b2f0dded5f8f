package org.nsvpn.namespacemanager.packet;

import org.nsvpn.namespacemanager.ffi.NativeBuffer;
import org.nsvpn.namespacemanager.ffi.Syscalls;

/**
 * Frames, each with its {@link VirtioNetHeader}, moved by one system call: {@link
 * PacketSocket#receiveNow(FrameBatch, int)} fills a batch with what is queued (recvmmsg), {@link
 * PacketSocket#send(FrameBatch)} sends a batch filled with {@link #add} (sendmmsg). One system call
 * for many frames is what lets a userspace datapath keep up with small frames: a call costs more
 * than moving a frame through the simulator.
 *
 * <p>The frames live in native memory allocated once, so that nothing is allocated or copied twice
 * per frame. A batch for receiving has a slot of {@link PacketSocket#BUFFER} bytes per frame (a
 * frame is never cut); a batch for sending packs frames one after the other. Owned by one thread at
 * a time; reusable: a receive replaces the content, {@link #clear()} empties it for adding.
 */
public final class FrameBatch {
  private static final int IOVEC_SIZE = 16;
  private static final int ALIGN = 8;

  private final int capacity;
  private final NativeBuffer frames;
  private final NativeBuffer messages;
  private final NativeBuffer vectors;
  private final int[] offsets;
  private final int[] lengths;
  private final boolean[] sent;
  private final byte[] encodedHeader = new byte[VirtioNetHeader.LENGTH];
  private int size;
  private int used;

  private FrameBatch(int capacity, int bytes) {
    this.capacity = capacity;
    this.frames = NativeBuffer.allocate(bytes);
    this.messages = NativeBuffer.allocate(capacity * Syscalls.MMSGHDR_SIZE);
    this.vectors = NativeBuffer.allocate(capacity * IOVEC_SIZE);
    this.offsets = new int[capacity];
    this.lengths = new int[capacity];
    this.sent = new boolean[capacity];
    for (int i = 0; i < capacity; i++) {
      int message = i * Syscalls.MMSGHDR_SIZE;
      messages.putAddress(message + 16, vectors, i * IOVEC_SIZE); // msg_iov
      messages.putLong(message + 24, 1); // msg_iovlen
    }
  }

  /**
   * A batch that receives up to {@code frames} frames at once, whatever their size (about {@code
   * frames} × 64 KiB of native memory).
   */
  public static FrameBatch forReceiving(int frames) {
    requirePositive(frames);
    return new FrameBatch(frames, frames * PacketSocket.BUFFER);
  }

  /**
   * A batch to which up to {@code frames} frames can be added, as long as they fit in {@code bytes}
   * (each takes its length and a header, rounded up to 8 bytes; any frame fits an empty batch of at
   * least {@link PacketSocket#BUFFER} bytes).
   */
  public static FrameBatch forSending(int frames, int bytes) {
    requirePositive(frames);
    if (bytes < PacketSocket.BUFFER) {
      throw new IllegalArgumentException(
          "a batch of " + bytes + " bytes cannot hold the largest frame");
    }
    return new FrameBatch(frames, bytes);
  }

  private static void requirePositive(int frames) {
    if (frames <= 0) {
      throw new IllegalArgumentException("a batch holds at least one frame: " + frames);
    }
  }

  public int capacity() {
    return capacity;
  }

  /** How many frames the batch holds. */
  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** Empties the batch for {@link #add}. */
  public void clear() {
    size = 0;
    used = 0;
  }

  /**
   * Adds a frame to send with {@code header}.
   *
   * @return false, adding nothing, when the batch is full (by count or by bytes)
   * @throws IllegalArgumentException for a frame longer than {@link PacketSocket#MAX_FRAME}
   */
  public boolean add(VirtioNetHeader header, byte[] frame, int offset, int length) {
    if (length > PacketSocket.MAX_FRAME) {
      throw new IllegalArgumentException(
          length + " bytes exceed the largest frame " + PacketSocket.MAX_FRAME);
    }
    int total = VirtioNetHeader.LENGTH + length;
    if (size == capacity || used + total > frames.capacity()) {
      return false;
    }
    header.encode(encodedHeader, 0);
    frames.put(used, encodedHeader, 0, VirtioNetHeader.LENGTH);
    frames.put(used + VirtioNetHeader.LENGTH, frame, offset, length);
    offsets[size] = used;
    lengths[size] = length;
    sent[size] = false;
    size++;
    used += (total + ALIGN - 1) & -ALIGN;
    return true;
  }

  /**
   * The length of frame {@code i}, header not included; -2 for a received frame longer than {@link
   * PacketSocket#MAX_FRAME}, which was dropped (its bytes are not there).
   */
  public int length(int i) {
    checkIndex(i);
    return lengths[i];
  }

  /**
   * Copies frame {@code i} with its header into {@code target} as {@link
   * PacketSocket#receive(byte[])} does: the header in the first {@link VirtioNetHeader#LENGTH}
   * bytes, the frame after it.
   *
   * @return the frame's length, header not included, or -2 as {@link #length}
   */
  public int copy(int i, byte[] target) {
    checkIndex(i);
    int length = lengths[i];
    if (length >= 0) {
      frames.get(offsets[i], target, 0, VirtioNetHeader.LENGTH + length);
    }
    return length;
  }

  /** After {@link PacketSocket#send(FrameBatch)}: whether the kernel took frame {@code i}. */
  public boolean sent(int i) {
    checkIndex(i);
    return sent[i];
  }

  private void checkIndex(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException("frame " + i + " of a batch of " + size);
    }
  }

  // The socket's side.

  /** Points every message at its receive slot; returns how many slots there are. */
  int prepareReceive() {
    for (int i = 0; i < capacity; i++) {
      vector(i, i * PacketSocket.BUFFER, PacketSocket.BUFFER);
    }
    size = 0;
    used = 0;
    return capacity;
  }

  /** Records what recvmmsg put in the first {@code count} slots. */
  void received(int count) {
    for (int i = 0; i < count; i++) {
      int length = messages.getInt(i * Syscalls.MMSGHDR_SIZE + 56); // msg_len
      offsets[i] = i * PacketSocket.BUFFER;
      lengths[i] =
          length > PacketSocket.BUFFER || length < VirtioNetHeader.LENGTH
              ? -2
              : length - VirtioNetHeader.LENGTH;
    }
    size = count;
  }

  /** Points the first {@link #size()} messages at the frames added. */
  void prepareSend() {
    for (int i = 0; i < size; i++) {
      vector(i, offsets[i], VirtioNetHeader.LENGTH + lengths[i]);
    }
  }

  void markSent(int i, boolean taken) {
    sent[i] = taken;
  }

  NativeBuffer messages() {
    return messages;
  }

  private void vector(int i, int offset, int length) {
    int at = i * IOVEC_SIZE;
    vectors.putAddress(at, frames, offset);
    vectors.putLong(at + 8, length);
  }
}
