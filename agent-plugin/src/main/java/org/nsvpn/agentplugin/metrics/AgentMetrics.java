package org.nsvpn.agentplugin.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.BooleanSupplier;
import java.util.function.ToLongFunction;
import org.nsvpn.agentplugin.datapath.Datapath;
import org.nsvpn.agentplugin.datapath.DatapathStats;

/**
 * The agent's own metrics: its connections to ZooKeeper and OVSDB, its gateway role, and its
 * datapath's counters (read at each scrape). Documented in docs/operations.md.
 */
public final class AgentMetrics {
  private AgentMetrics() {}

  /** A yes/no gauge. */
  public static void flag(
      PrometheusRegistry registry, String name, String help, BooleanSupplier on) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .callback(cb -> cb.call(on.getAsBoolean() ? 1 : 0))
        .register(registry);
  }

  /** The datapath's counters: per port, drops by reason, the overlay, the fence. */
  public static void datapath(PrometheusRegistry registry, Datapath datapath) {
    portCounter(
        registry,
        datapath,
        "nsvpn_datapath_port_frames",
        "frames received from (rx) and sent to (tx) a bound port's interface",
        DatapathStats.PortCounters::rxFrames,
        DatapathStats.PortCounters::txFrames);
    portCounter(
        registry,
        datapath,
        "nsvpn_datapath_port_bytes",
        "bytes received from (rx) and sent to (tx) a bound port's interface",
        DatapathStats.PortCounters::rxBytes,
        DatapathStats.PortCounters::txBytes);
    CounterWithCallback.builder()
        .name("nsvpn_datapath_drops")
        .help("frames the virtual network dropped, by reason")
        .labelNames("reason")
        .callback(cb -> datapath.stats().drops().forEach((reason, n) -> cb.call(n, reason.name())))
        .register(registry);
    CounterWithCallback.builder()
        .name("nsvpn_datapath_overlay_frames")
        .help("inner frames tunnelled to other hosts (tx) and received from them (rx)")
        .labelNames("direction")
        .callback(
            cb -> {
              DatapathStats.PortCounters t = datapath.stats().overlay().traffic();
              cb.call(t.txFrames(), "tx");
              cb.call(t.rxFrames(), "rx");
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("nsvpn_datapath_overlay_drops")
        .help("underlay packets dropped, by reason")
        .labelNames("reason")
        .callback(
            cb ->
                datapath
                    .stats()
                    .overlay()
                    .drops()
                    .forEach((reason, n) -> cb.call(n, reason.name())))
        .register(registry);
    CounterWithCallback.builder()
        .name("nsvpn_datapath_offload_work")
        .help(
            "what the interfaces' offloads left to the datapath: partial checksums completed,"
                + " super-frames received, super-frames handed on whole, segments cut here")
        .labelNames("kind")
        .callback(
            cb -> {
              DatapathStats.OffloadCounters o = datapath.stats().offloads();
              cb.call(o.completedChecksums(), "checksum-completed");
              cb.call(o.gsoFrames(), "super-frame");
              cb.call(o.handedOn(), "super-frame-handed-on");
              cb.call(o.segments(), "segment");
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("nsvpn_datapath_offload_drops")
        .help("received frames dropped because of their virtio-net header, by reason")
        .labelNames("reason")
        .callback(
            cb ->
                datapath
                    .stats()
                    .offloads()
                    .drops()
                    .forEach((reason, n) -> cb.call(n, reason.name())))
        .register(registry);
    CounterWithCallback.builder()
        .name("nsvpn_datapath_fenced_frames")
        .help("frames dropped because the session fence held their port")
        .callback(cb -> cb.call(datapath.stats().fenced()))
        .register(registry);
    CounterWithCallback.builder()
        .name("nsvpn_datapath_simulated_frames")
        .help("frames received on this host's interfaces and simulated here")
        .callback(cb -> cb.call(datapath.stats().simulated()))
        .register(registry);
  }

  private static void portCounter(
      PrometheusRegistry registry,
      Datapath datapath,
      String name,
      String help,
      ToLongFunction<DatapathStats.PortCounters> rx,
      ToLongFunction<DatapathStats.PortCounters> tx) {
    CounterWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("port", "direction")
        .callback(
            cb ->
                datapath
                    .stats()
                    .ports()
                    .forEach(
                        (port, c) -> {
                          cb.call(rx.applyAsLong(c), port.toString(), "rx");
                          cb.call(tx.applyAsLong(c), port.toString(), "tx");
                        }))
        .register(registry);
  }
}
