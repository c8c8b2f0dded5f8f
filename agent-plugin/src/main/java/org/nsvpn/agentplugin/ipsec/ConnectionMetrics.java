package org.nsvpn.agentplugin.ipsec;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.nsvpn.chainrules.model.Certificate;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.status.ConnectionState;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.chainrules.status.SaCounters;

/**
 * Per-connection metrics, after the strongSwan exporters' conventions with an {@code nsvpn_}
 * prefix; labels {@code service}, {@code connection} (names) and {@code peer} (address). Read from
 * the {@link StatusBoard} at each scrape, so they are as current as the status (events at once,
 * counters every status-interval, longer with many charons: StrongSwanConfig#listingInterval).
 * Documented in docs/operations.md, "Metrics and health".
 */
final class ConnectionMetrics {
  private static final String[] LABELS = {"service", "connection", "peer"};

  private ConnectionMetrics() {}

  /** Registers the metrics; {@code topology} gives the names of the connections on the board. */
  static void register(
      PrometheusRegistry registry, StatusBoard board, Supplier<Topology> topology) {
    GaugeWithCallback.builder()
        .name("nsvpn_ipsec_connection_up")
        .help("1 while the connection has an installed child SA, 0 otherwise")
        .labelNames(LABELS)
        .callback(cb -> each(board, topology, (l, s) -> cb.call(up(s), l)))
        .register(registry);
    GaugeWithCallback.builder()
        .name("nsvpn_ipsec_connection_status")
        .help("1 for the connection's state and reason code (see docs/architecture.md)")
        .labelNames("service", "connection", "peer", "state", "reason")
        .callback(
            cb ->
                each(
                    board,
                    topology,
                    (l, s) ->
                        cb.call(
                            1,
                            l[0],
                            l[1],
                            l[2],
                            s.state().text(),
                            s.reason().map(r -> r.code().text()).orElse(""))))
        .register(registry);
    counter(registry, board, topology, "nsvpn_ipsec_bytes_in", "bytes received", c -> c.bytesIn());
    counter(registry, board, topology, "nsvpn_ipsec_bytes_out", "bytes sent", c -> c.bytesOut());
    counter(
        registry,
        board,
        topology,
        "nsvpn_ipsec_packets_in",
        "packets received",
        c -> c.packetsIn());
    counter(
        registry, board, topology, "nsvpn_ipsec_packets_out", "packets sent", c -> c.packetsOut());
    gauge(
        registry,
        board,
        topology,
        "nsvpn_ipsec_last_inbound_seconds",
        "seconds since the last packet received through a child SA",
        s -> s.counters().lastInbound().map(ConnectionMetrics::ago));
    gauge(
        registry,
        board,
        topology,
        "nsvpn_ipsec_last_outbound_seconds",
        "seconds since the last packet sent through a child SA",
        s -> s.counters().lastOutbound().map(ConnectionMetrics::ago));
    gauge(
        registry,
        board,
        topology,
        "nsvpn_ipsec_ike_established_seconds",
        "seconds since the current IKE SA was established",
        s -> s.currentIkeSa().flatMap(ike -> ike.establishedAt()).map(ConnectionMetrics::ago));
    gauge(
        registry,
        board,
        topology,
        "nsvpn_ipsec_child_rekey_seconds",
        "seconds until the current child SA is rekeyed",
        s -> s.currentChildSa().flatMap(c -> c.rekeyAt()).map(at -> -ago(at)));
    certificates(registry, board, topology);
  }

  /**
   * The local certificate's expiry, for certificate connections: seconds left (negative once
   * expired), and 1 while it needs renewal ({@link Certificate#RENEWAL_WARNING} ahead).
   */
  private static void certificates(
      PrometheusRegistry registry, StatusBoard board, Supplier<Topology> topology) {
    certificateGauge(
        registry,
        board,
        topology,
        "nsvpn_ipsec_certificate_expiry_seconds",
        "seconds until the connection's local certificate expires, negative once expired",
        cert -> Duration.between(Instant.now(), cert.notAfter()).toMillis() / 1000.0);
    certificateGauge(
        registry,
        board,
        topology,
        "nsvpn_ipsec_certificate_renewal_due",
        "1 when the connection's local certificate has expired or expires within 30 days",
        cert -> cert.needsRenewal(Instant.now()) ? 1 : 0);
  }

  private static void certificateGauge(
      PrometheusRegistry registry,
      StatusBoard board,
      Supplier<Topology> topology,
      String name,
      String help,
      java.util.function.ToDoubleFunction<Certificate> value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help + " (certificate connections only)")
        .labelNames(LABELS)
        .callback(
            cb ->
                eachCertificate(
                    board, topology, (l, cert) -> cb.call(value.applyAsDouble(cert), l)))
        .register(registry);
  }

  /** Calls {@code out} with the labels and local certificate of every certificate connection. */
  private static void eachCertificate(
      StatusBoard board, Supplier<Topology> topology, BiConsumer<String[], Certificate> out) {
    Topology t = topology.get();
    each(
        board,
        topology,
        (labels, status) ->
            t.connection(status.connection())
                .flatMap(IpsecSiteConnection::localCertificate)
                .ifPresent(cert -> out.accept(labels, cert)));
  }

  private static void counter(
      PrometheusRegistry registry,
      StatusBoard board,
      Supplier<Topology> topology,
      String name,
      String what,
      java.util.function.ToLongFunction<SaCounters> value) {
    CounterWithCallback.builder()
        .name(name)
        .help(what + " through the connection's child SAs (those since replaced included)")
        .labelNames(LABELS)
        .callback(
            cb -> each(board, topology, (l, s) -> cb.call(value.applyAsLong(s.counters()), l)))
        .register(registry);
  }

  private static void gauge(
      PrometheusRegistry registry,
      StatusBoard board,
      Supplier<Topology> topology,
      String name,
      String help,
      java.util.function.Function<ConnectionStatus, Optional<Double>> value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help + " (absent when unknown)")
        .labelNames(LABELS)
        .callback(
            cb -> each(board, topology, (l, s) -> value.apply(s).ifPresent(v -> cb.call(v, l))))
        .register(registry);
  }

  /** Calls {@code out} with the labels and status of every connection on the board. */
  private static void each(
      StatusBoard board, Supplier<Topology> topology, BiConsumer<String[], ConnectionStatus> out) {
    Topology t = topology.get();
    for (ConnectionStatus status : board.statuses()) {
      Optional<IpsecSiteConnection> c = t.connection(status.connection());
      if (c.isEmpty()) {
        continue;
      }
      String service = t.vpnService(c.get().vpnService()).map(VpnService::name).orElse("");
      out.accept(new String[] {service, c.get().name(), c.get().peerAddress().toString()}, status);
    }
  }

  private static double up(ConnectionStatus s) {
    return s.state() == ConnectionState.UP ? 1 : 0;
  }

  private static double ago(Instant at) {
    return Duration.between(at, Instant.now()).toMillis() / 1000.0;
  }
}
