package org.nsvpn.namespacemanager.ffi;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * A block of native memory that a system call reads or writes (a netlink message, a socket
 * address). Owned by one thread at a time; the memory is released when the buffer is collected.
 */
public final class NativeBuffer {
  private final Pointer memory;
  private final int capacity;

  private NativeBuffer(Pointer memory, int capacity) {
    this.memory = memory;
    this.capacity = capacity;
  }

  /** Zero-filled native memory of {@code capacity} bytes. */
  public static NativeBuffer allocate(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    return new NativeBuffer(Memory.allocateDirect(Syscalls.runtime(), capacity, true), capacity);
  }

  public int capacity() {
    return capacity;
  }

  /** Copies {@code length} bytes of {@code source} to the start of the buffer. */
  public void write(byte[] source, int length) {
    if (length > capacity) {
      throw new IllegalArgumentException(length + " bytes do not fit in " + capacity);
    }
    memory.put(0, source, 0, length);
  }

  /** Copies the first {@code length} bytes of the buffer into {@code target}. */
  public void read(byte[] target, int length) {
    memory.get(0, target, 0, length);
  }

  /** Copies {@code length} bytes of {@code source} from {@code from} to {@code offset}. */
  public void put(int offset, byte[] source, int from, int length) {
    checkRange(offset, length);
    memory.put(offset, source, from, length);
  }

  /** Copies {@code length} bytes at {@code offset} into {@code target} at {@code to}. */
  public void get(int offset, byte[] target, int to, int length) {
    checkRange(offset, length);
    memory.get(offset, target, to, length);
  }

  /** Stores a 16-bit value in native (little-endian) byte order. */
  public void putShort(int offset, short value) {
    checkRange(offset, 2);
    memory.putShort(offset, value);
  }

  public void putInt(int offset, int value) {
    checkRange(offset, 4);
    memory.putInt(offset, value);
  }

  public int getInt(int offset) {
    checkRange(offset, 4);
    return memory.getInt(offset);
  }

  public short getShort(int offset) {
    checkRange(offset, 2);
    return memory.getShort(offset);
  }

  public void putLong(int offset, long value) {
    checkRange(offset, 8);
    memory.putLong(offset, value);
  }

  public long getLong(int offset) {
    checkRange(offset, 8);
    return memory.getLong(offset);
  }

  /** Stores the native address of {@code other} at {@code offset} (a pointer field of a struct). */
  public void putAddress(int offset, NativeBuffer other) {
    checkRange(offset, 8);
    memory.putAddress(offset, other.memory.address());
  }

  /**
   * Stores the native address of byte {@code otherOffset} of {@code other} at {@code offset} (a
   * pointer into the middle of another buffer, such as an iovec's base).
   */
  public void putAddress(int offset, NativeBuffer other, int otherOffset) {
    checkRange(offset, 8);
    other.checkRange(otherOffset, 0);
    memory.putAddress(offset, other.memory.address() + otherOffset);
  }

  private void checkRange(int offset, int length) {
    if (offset < 0 || length < 0 || offset > capacity - length) {
      throw new IndexOutOfBoundsException(
          "bytes " + offset + ".." + (offset + length) + " outside a buffer of " + capacity);
    }
  }

  Pointer pointer() {
    return memory;
  }
}
