package org.nsvpn.strongswan;

import java.time.Instant;
import java.util.Objects;

/**
 * The last failure of a connection.
 *
 * @param kind the category
 * @param message charon's description ("local authentication failed", ...)
 * @param at when nsvpn learned of it
 */
public record ConnectionError(FailureKind kind, String message, Instant at) {
  public ConnectionError {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(at, "at");
  }

  /** One line for the operator: {@code authentication failed: local authentication failed}. */
  public String reason() {
    return message.isEmpty() || message.equals(kind.text())
        ? kind.text()
        : kind.text() + ": " + message;
  }
}
