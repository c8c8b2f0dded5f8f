package org.nsvpn.benchmarks.topology;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouteId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.routing.Route;
import org.nsvpn.cli.Interpreter;
import org.nsvpn.cli.SecretSource;
import org.nsvpn.topology.ObjectKind;
import org.nsvpn.topology.StoreTransaction;
import org.nsvpn.topology.TopologyEvent;
import org.nsvpn.topology.TopologyStore;
import org.nsvpn.topology.TopologyWatch;
import org.nsvpn.topology.ZooKeeperClients;
import org.nsvpn.topology.server.EmbeddedZooKeeper;

/**
 * Creates N routes (default 10,000) one transaction each, first through {@link TopologyStore}, then
 * as a CLI script through {@link Interpreter}, against the embedded ZooKeeper server on a temporary
 * directory (real disk syncs). A second client watches routes; for every route the latency from the
 * start of its write to the arrival of its watch event is recorded (one JVM, so one clock). Prints
 * totals, throughput and latency percentiles.
 *
 * <p>Usage: {@code TopologyStoreBench [N]}; see scripts/bench-topology.
 */
public final class TopologyStoreBench {
  private TopologyStoreBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    Path dir = Files.createTempDirectory("nsvpn-bench-topology-");
    try (EmbeddedZooKeeper server =
        EmbeddedZooKeeper.start(dir, "127.0.0.1", 0, Duration.ofSeconds(60))) {
      System.out.printf(
          "embedded ZooKeeper at %s, data in %s, %d routes per run%n",
          server.connectString(), dir, n);
      run("store API", server.connectString(), "/bench-api", n, false);
      run("CLI script", server.connectString(), "/bench-cli", n, true);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void run(String name, String connect, String root, int n, boolean viaCli)
      throws Exception {
    try (CuratorFramework writerClient =
            ZooKeeperClients.connect(connect, Optional.empty(), Duration.ofSeconds(10));
        CuratorFramework watcherClient =
            ZooKeeperClients.connect(connect, Optional.empty(), Duration.ofSeconds(10));
        TopologyStore writer = TopologyStore.open(writerClient, root, Optional.empty());
        TopologyStore watcher = TopologyStore.open(watcherClient, root, Optional.empty())) {
      RouterId router = RouterId.random();
      PortId port = PortId.random();
      writer.commit(
          StoreTransaction.builder()
              .create(Router.of(router, "bench"))
              .create(
                  RouterPort.of(
                      port,
                      router,
                      MacAddress.parse("02:00:00:00:00:01"),
                      InterfaceAddress.parse("192.0.2.1/24")))
              .build());
      Map<String, Long> received = new ConcurrentHashMap<>();
      TopologyWatch watch =
          watcher.watch(
              ObjectKind.ROUTE,
              e -> {
                if (e instanceof TopologyEvent.Created<Route> c) {
                  received.put(c.object().value().destination().toString(), System.nanoTime());
                }
              });
      waitFor(watch::isInitialized);

      long[] started = new long[n];
      long[] took = new long[n];
      Interpreter cli = new Interpreter(writer, SecretSource.NONE);
      long begin = System.nanoTime();
      for (int i = 0; i < n; i++) {
        String dst = destination(i);
        started[i] = System.nanoTime();
        if (viaCli) {
          cli.execute("router router0 add route dst " + dst + " gw 192.0.2.254 port router0:port0");
        } else {
          writer.create(
              Route.normal(
                  RouteId.random(),
                  router,
                  IpSubnet.parse(dst),
                  port,
                  Optional.of(org.nsvpn.chainrules.net.IpAddress.parse("192.0.2.254"))));
        }
        took[i] = System.nanoTime() - started[i];
      }
      long total = System.nanoTime() - begin;
      waitFor(() -> received.size() == n);
      long[] toWatch = new long[n];
      for (int i = 0; i < n; i++) {
        toWatch[i] = received.get(destination(i)) - started[i];
      }
      watch.close();
      System.out.printf(
          "%-10s %d routes in %.1f s = %.0f writes/s; write (commit) median %.2f ms p90 %.2f ms p99 %.2f ms;"
              + " write-to-watch-event median %.2f ms p90 %.2f ms p99 %.2f ms; last 1000 writes median %.2f ms%n",
          name,
          n,
          total / 1e9,
          n / (total / 1e9),
          pct(took, 50),
          pct(took, 90),
          pct(took, 99),
          pct(toWatch, 50),
          pct(toWatch, 90),
          pct(toWatch, 99),
          pct(Arrays.copyOfRange(took, Math.max(0, n - 1000), n), 50));
    }
  }

  private static String destination(int i) {
    return "10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff) + "/32";
  }

  private static double pct(long[] nanos, int p) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)]
        / 1e6;
  }

  private static void waitFor(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for watch events");
      }
      Thread.sleep(5);
    }
  }
}
