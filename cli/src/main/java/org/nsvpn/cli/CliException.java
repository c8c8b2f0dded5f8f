package org.nsvpn.cli;

/**
 * A command was refused: bad input, an unknown alias, a conflict. The message is one line that
 * names the field or object at fault; the shell prints it after {@code error: }.
 */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CliException(String message) {
    super(message);
  }

  public CliException(String message, Throwable cause) {
    super(message, cause);
  }
}
