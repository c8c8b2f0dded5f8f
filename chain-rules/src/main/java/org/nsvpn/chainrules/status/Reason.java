package org.nsvpn.chainrules.status;

import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;

/**
 * Why a connection is not up: a code for programs and one line of text for people, e.g. {@code
 * authentication-failed} / "authentication failed: peer authentication failed (charon)". The text
 * may quote what a peer sent; printers escape it.
 *
 * @param code the stable reason code; it decides the connection's state
 * @param text a single line, at most {@value #MAX_TEXT} characters
 */
public record Reason(ReasonCode code, String text) {
  public static final int MAX_TEXT = 1000;

  public Reason {
    Require.nonNull("reason-code", code);
    Require.nonNull("reason", text);
    if (text.isBlank() || text.length() > MAX_TEXT || text.indexOf('\n') >= 0) {
      throw new InvalidValueException(
          "reason", text, "must be one non-blank line of at most " + MAX_TEXT + " characters");
    }
  }

  /** The code with its default description. */
  public static Reason of(ReasonCode code) {
    return new Reason(code, code.description());
  }

  /**
   * The code's description followed by {@code detail} ("peer unreachable: no answer from
   * 192.0.2.2"); line breaks in the detail become spaces, and an over-long detail is cut.
   */
  public static Reason of(ReasonCode code, String detail) {
    String line = detail.replace('\r', ' ').replace('\n', ' ').strip();
    if (line.isEmpty()) {
      return of(code);
    }
    String text = code.description() + ": " + line;
    return new Reason(code, text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text);
  }

  public ConnectionState state() {
    return code.state();
  }
}
