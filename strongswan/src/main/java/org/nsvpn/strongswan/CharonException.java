package org.nsvpn.strongswan;

/**
 * charon could not be started, adopted or stopped: it exited during start, did not answer on VICI
 * in time, or another charon not started by nsvpn holds the namespace. The message says which, with
 * the end of charon's log where there is one.
 */
public class CharonException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CharonException(String message) {
    super(message);
  }

  public CharonException(String message, Throwable cause) {
    super(message, cause);
  }
}
