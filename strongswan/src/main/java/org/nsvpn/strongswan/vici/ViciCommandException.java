package org.nsvpn.strongswan.vici;

/**
 * charon refused a command: it does not know it ({@code CMD_UNKNOWN}), or its response reports
 * {@code success = no}. The message names the command and quotes charon's {@code errmsg}.
 */
public class ViciCommandException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String command;
  private final String charonMessage;

  public ViciCommandException(String command, String charonMessage) {
    super("VICI " + command + " failed: " + charonMessage);
    this.command = command;
    this.charonMessage = charonMessage;
  }

  public String command() {
    return command;
  }

  /** charon's own words ({@code errmsg}), or what the client observed. */
  public String charonMessage() {
    return charonMessage;
  }
}
