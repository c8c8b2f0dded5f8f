package org.nsvpn.cli;

import org.nsvpn.chainrules.InvalidValueException;

/** Safe quoting of untrusted text in messages: the chain-rules rules (escapes, length cut). */
final class Text {
  private Text() {}

  /** {@code value} as the model's error messages quote it, without the surrounding message. */
  static String quote(String value) {
    String message = new InvalidValueException("x", value, "y").getMessage();
    return message.substring("x: invalid value ".length(), message.length() - ": y".length());
  }
}
