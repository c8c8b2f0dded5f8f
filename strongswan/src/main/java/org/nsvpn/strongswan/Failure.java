package org.nsvpn.strongswan;

import java.time.Instant;
import java.util.Objects;
import org.nsvpn.chainrules.status.Reason;
import org.nsvpn.chainrules.status.ReasonCode;

/**
 * The last failure of a connection, as nsvpn learned it (error-notify, a refused configuration, a
 * dead peer). A failure is shown as the connection's reason while it is not up.
 *
 * @param reason what to show
 * @param at when nsvpn learned of it
 * @param whileUp the connection was up when the failure arrived (a dead peer's last moments, or a
 *     stray attempt beside a working SA)
 */
record Failure(Reason reason, Instant at, boolean whileUp) {
  Failure {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(at, "at");
  }

  ReasonCode code() {
    return reason.code();
  }

  /** True for failures that a new attempt should wait for (see {@link Backoff}). */
  boolean delaysRetry() {
    return switch (code()) {
      case AUTHENTICATION_FAILED,
          NO_PROPOSAL_CHOSEN,
          TS_UNACCEPTABLE,
          PEER_UNREACHABLE,
          DEAD_PEER,
          SA_INSTALL_FAILED,
          PROTOCOL_ERROR,
          CONFIGURATION_INVALID,
          OTHER ->
          true;
      default -> false;
    };
  }
}
