package org.nsvpn.namespacemanager;

/**
 * A spec's interface name is taken by something the manager does not own (another namespace's veth,
 * a device of another kind), or the two ends in place are not a pair. The manager never deletes
 * what it cannot prove is its own; an operator has to look.
 */
public final class InterfaceConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InterfaceConflictException(String message) {
    super(message);
  }
}
