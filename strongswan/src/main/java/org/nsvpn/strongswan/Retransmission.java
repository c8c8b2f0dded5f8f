package org.nsvpn.strongswan;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.nsvpn.chainrules.model.DeadPeerDetection;
import org.nsvpn.chainrules.model.DpdAction;

/**
 * charon's IKE retransmission schedule for one VPN service, derived from its connections' dead peer
 * detection settings.
 *
 * <p>IKEv2 has no DPD timeout of its own: charon sends a liveness check after {@code dpd_delay}
 * without inbound traffic and declares the peer dead when the check's retransmissions run out. The
 * retransmissions are charon-wide ({@code charon.retransmit_*} in strongswan.conf), so one charon
 * per VPN service lets nsvpn fit them to the service: with {@code tries} retransmissions of a
 * timeout growing by {@code base}, the exchange gives up after {@code timeout * (1 + base + ... +
 * base^tries)}; nsvpn makes that {@code dpd-timeout - dpd-interval} of the strictest connection (at
 * least {@link #MIN_TOTAL}), so a dead peer is declared within the configured DPD timeout. The same
 * schedule bounds how long an unreachable peer is tried before it is reported. strongSwan reads the
 * settings when an IKE SA is created: a change applies to IKE SAs negotiated after it.
 *
 * @param timeout the first retransmission's wait
 * @param base the factor each further wait grows by
 * @param tries how many retransmissions before giving up
 */
record Retransmission(Duration timeout, double base, int tries) {
  static final double BASE = 1.5;
  static final int TRIES = 3;
  static final Duration MIN_TOTAL = Duration.ofSeconds(2);

  /** For connections without DPD settings of their own: the model's defaults (30 s / 120 s). */
  static final Retransmission DEFAULT = forTotal(Duration.ofSeconds(90));

  /** The schedule that gives up after {@code total}. */
  static Retransmission forTotal(Duration total) {
    Duration bounded = total.compareTo(MIN_TOTAL) < 0 ? MIN_TOTAL : total;
    double sum = 0;
    for (int i = 0; i <= TRIES; i++) {
      sum += Math.pow(BASE, i);
    }
    return new Retransmission(Duration.ofMillis(Math.round(bounded.toMillis() / sum)), BASE, TRIES);
  }

  /** The schedule fitting the strictest of {@code connections} (DEFAULT when none has DPD). */
  static Retransmission forConnections(List<ConnectionSpec> connections) {
    Duration total = null;
    for (ConnectionSpec spec : connections) {
      DeadPeerDetection dpd = spec.connection().dpd();
      if (!spec.connection().adminStateUp() || dpd.action() == DpdAction.DISABLED) {
        continue;
      }
      Duration t = dpd.timeout().minus(dpd.interval());
      if (total == null || t.compareTo(total) < 0) {
        total = t;
      }
    }
    return total == null ? DEFAULT : forTotal(total);
  }

  /** When the last retransmission gives up. */
  Duration total() {
    double sum = 0;
    for (int i = 0; i <= tries; i++) {
      sum += Math.pow(base, i);
    }
    return Duration.ofMillis(Math.round(timeout.toMillis() * sum));
  }

  /** The strongswan.conf lines (inside {@code charon { }}). */
  String settings() {
    return String.format(
        Locale.ROOT,
        "  retransmit_timeout = %.3f\n  retransmit_base = %.2f\n  retransmit_tries = %d\n",
        timeout.toMillis() / 1000.0,
        base,
        tries);
  }
}
