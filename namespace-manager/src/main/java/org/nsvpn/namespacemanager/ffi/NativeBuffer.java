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

  Pointer pointer() {
    return memory;
  }
}
