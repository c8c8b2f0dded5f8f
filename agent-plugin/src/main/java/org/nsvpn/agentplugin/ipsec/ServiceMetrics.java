package org.nsvpn.agentplugin.ipsec;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.VpnService;

/**
 * Per-service metrics, label {@code service} (the service's name), read from the {@link
 * StatusBoard} at each scrape: whether the namespace and charon are up, how often charon was
 * restarted, and the service's state. Plus the agent's reconcile histogram: how long each
 * provisioning pass of a service takes (creating or checking the namespace, the redirect rules,
 * charon and its connections). Documented in docs/operations.md, "Metrics and health".
 */
final class ServiceMetrics {
  /**
   * Buckets from 5 ms (a pass that finds everything in place) to 30 s (a namespace and a charon
   * started on a loaded host).
   */
  private static final double[] RECONCILE_BUCKETS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
  };

  private ServiceMetrics() {}

  /**
   * Registers the metrics.
   *
   * @return what to tell each provisioning pass's duration
   */
  static Consumer<Duration> register(
      PrometheusRegistry registry, StatusBoard board, Supplier<Topology> topology) {
    gauge(
        registry,
        board,
        topology,
        "nsvpn_vpn_service_namespace_up",
        "1 while the service's IPsec namespace exists on this host",
        row -> row.namespaceUp() ? 1 : 0);
    gauge(
        registry,
        board,
        topology,
        "nsvpn_vpn_service_charon_up",
        "1 while the service's charon runs",
        row -> row.charonUp() ? 1 : 0);
    CounterWithCallback.builder()
        .name("nsvpn_vpn_service_charon_restarts")
        .help(
            "charons started for the service after the first one this agent saw (crashes,"
                + " namespace rebuilds)")
        .labelNames("service")
        .callback(cb -> each(board, topology, (name, row) -> cb.call(row.charonRestarts(), name)))
        .register(registry);
    GaugeWithCallback.builder()
        .name("nsvpn_vpn_service_state")
        .help("1 for the service's state as its agent reports it (see docs/architecture.md)")
        .labelNames("service", "state")
        .callback(cb -> each(board, topology, (name, row) -> cb.call(1, name, row.state().text())))
        .register(registry);
    Histogram reconcile =
        Histogram.builder()
            .name("nsvpn_reconcile_duration_seconds")
            .help("how long a provisioning pass of one VPN service took, successful or not")
            .unit(Unit.SECONDS)
            .classicOnly()
            .classicUpperBounds(RECONCILE_BUCKETS)
            .register(registry);
    return d -> reconcile.observe(d.toNanos() / 1e9);
  }

  private static void gauge(
      PrometheusRegistry registry,
      StatusBoard board,
      Supplier<Topology> topology,
      String name,
      String help,
      java.util.function.ToDoubleFunction<StatusBoard.ServiceRow> value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("service")
        .callback(
            cb ->
                each(board, topology, (service, row) -> cb.call(value.applyAsDouble(row), service)))
        .register(registry);
  }

  /**
   * Calls {@code out} with the name and row of every service on the board still in the topology.
   */
  private static void each(
      StatusBoard board,
      Supplier<Topology> topology,
      java.util.function.BiConsumer<String, StatusBoard.ServiceRow> out) {
    Topology t = topology.get();
    for (StatusBoard.ServiceRow row : board.services()) {
      t.vpnService(row.service()).map(VpnService::name).ifPresent(name -> out.accept(name, row));
    }
  }
}
