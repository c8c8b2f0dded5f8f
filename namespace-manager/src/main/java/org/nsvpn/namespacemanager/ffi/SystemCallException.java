package org.nsvpn.namespacemanager.ffi;

/**
 * A system call failed. The message names the operation with its arguments and the errno by name
 * and description: {@code mount(/run/netns, MS_SHARED|MS_REC): EINVAL (Invalid argument)}.
 *
 * <p>Subclasses add protocol detail (the netlink extended-ack message).
 */
public class SystemCallException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String operation;
  private final int errno;

  public SystemCallException(String operation, int errno) {
    this(operation, errno, null);
  }

  /** {@code detail}, when not null, is appended to the message after the errno. */
  protected SystemCallException(String operation, int errno, String detail) {
    super(
        operation
            + ": "
            + Errno.name(errno)
            + " ("
            + Syscalls.describe(errno)
            + ")"
            + (detail == null ? "" : ": " + detail));
    this.operation = operation;
    this.errno = errno;
  }

  /** What was attempted, with its arguments, e.g. {@code setns(/run/netns/x, CLONE_NEWNET)}. */
  public String operation() {
    return operation;
  }

  /** The positive errno value. */
  public int errno() {
    return errno;
  }

  /** The errno's symbolic name, e.g. {@code EEXIST}. */
  public String errnoName() {
    return Errno.name(errno);
  }
}
