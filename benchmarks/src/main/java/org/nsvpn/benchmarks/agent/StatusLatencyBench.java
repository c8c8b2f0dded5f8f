package org.nsvpn.benchmarks.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.ovsdb.Ovsdb;
import org.nsvpn.ovsdb.api.MonitorListener;
import org.nsvpn.ovsdb.api.MonitorRequest;
import org.nsvpn.ovsdb.api.OvsdbClient;
import org.nsvpn.ovsdb.api.OvsdbEndpoint;
import org.nsvpn.ovsdb.api.Row;
import org.nsvpn.ovsdb.api.RowUpdate;
import org.nsvpn.ovsdb.api.TableUpdates;
import org.nsvpn.ovsdb.ipsec.IpsecSchema;
import org.nsvpn.strongswan.Backend;
import org.nsvpn.strongswan.StockCharon;
import org.nsvpn.strongswan.vici.ViciClient;
import org.nsvpn.strongswan.vici.ViciSection;
import org.nsvpn.topology.TopologyStore;
import org.nsvpn.topology.ZooKeeperClients;

/**
 * How long a status change takes to become visible to a consumer, on the demo's testbed with a
 * running agent (set up by {@code scripts/bench-status}): from the event to the status seen by a
 * ZooKeeper watch on the connection's status node, and by an OVSDB monitor on its row.
 *
 * <ol>
 *   <li><b>up</b>: a-to-b's IKE SA is terminated; the agent negotiates again; from the {@code
 *       child-updown} event that this driver receives from router A's charon (the same event the
 *       agent gets) to {@code up}.
 *   <li><b>charon killed</b>: from SIGKILL of router A's charon to a-to-b not up, reason {@code
 *       charon-exited}.
 *   <li><b>dead peer</b>: a-to-c has DPD interval 2 s, timeout 6 s; from SIGKILL of site C's stock
 *       charon to a-to-c down with reason {@code dead-peer}.
 *   <li><b>namespace deleted</b>: {@code ip netns del} of router A's VPN namespace while VM A pings
 *       VM B every 10 ms; from the deletion to the first echo reply after it, and whether a-to-b
 *       has one IKE SA with one child SA (and b-to-a too) once things settle.
 * </ol>
 *
 * Usage: {@code StatusLatencyBench ZK_CONNECT STATE_DIR SITE_C_NAMESPACE SITE_C_SWANCTL_CONF
 * VM_A_NAMESPACE RUNS}.
 */
public final class StatusLatencyBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  /**
   * A consumer's view of one connection: its latest state, reason and current child SA (inbound
   * SPI), and when any of them changed.
   */
  private static final class View {
    volatile String state = "";
    volatile String reason = "";
    volatile String spi = "";
    volatile long changedAt;
  }

  private final Map<String, View> zk = new ConcurrentHashMap<>();
  private final Map<String, View> ovsdb = new ConcurrentHashMap<>();
  private final Map<String, String> rowNames = new ConcurrentHashMap<>();
  private final Map<String, String> policies = new ConcurrentHashMap<>();
  private volatile long childUpAt;

  private StatusLatencyBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println(
          "usage: StatusLatencyBench ZK_CONNECT STATE_DIR SITE_C_NAMESPACE SITE_C_SWANCTL_CONF"
              + " VM_A_NAMESPACE RUNS");
      System.exit(2);
    }
    new StatusLatencyBench()
        .run(
            args[0],
            Path.of(args[1]),
            args[2],
            Files.readString(Path.of(args[3])),
            args[4],
            Integer.parseInt(args[5]));
  }

  private void run(
      String zkConnect, Path state, String siteC, String siteCConf, String vmA, int runs)
      throws Exception {
    try (CuratorFramework curator =
            ZooKeeperClients.connect(zkConnect, Optional.empty(), Duration.ofSeconds(30));
        TopologyStore store =
            TopologyStore.open(curator, TopologyStore.DEFAULT_ROOT, Optional.empty())) {
      var topology = store.refresh().topology();
      IpsecSiteConnection ab = byName(topology.connections(), "a-to-b");
      IpsecSiteConnection ac = byName(topology.connections(), "a-to-c");
      String vpnA = "vpn-" + ab.vpnService().hex();
      for (IpsecSiteConnection c : List.of(ab, ac)) {
        String service = topology.vpnService(c.vpnService()).orElseThrow().name();
        policies.put(service + "." + c.name(), c.id().toString());
      }
      Path charonA = state.resolve("run/charon").resolve(vpnA);

      CuratorCache cache = CuratorCache.build(curator, "/nsvpn/status/ipsec-site-connections");
      cache
          .listenable()
          .addListener(
              CuratorCacheListener.builder()
                  .forCreatesAndChanges((before, node) -> zkNode(node.getPath(), node.getData()))
                  .build());
      cache.start();

      OvsdbClient client =
          Ovsdb.client(OvsdbEndpoint.parse("unix:" + state.resolve("ovsdb/db.sock")));
      client.start().get(30, TimeUnit.SECONDS);
      client
          .monitor(
              IpsecSchema.DATABASE,
              List.of(
                  MonitorRequest.columns(
                      IpsecSchema.IKE_CONNECTION,
                      List.of("policy_name", IpsecSchema.IKE_CONN_STATUSES))),
              new MonitorListener() {
                @Override
                public void onSnapshot(TableUpdates contents, boolean resync) {
                  onUpdate(contents);
                }

                @Override
                public void onUpdate(TableUpdates updates) {
                  long now = System.nanoTime();
                  for (RowUpdate u : updates.table(IpsecSchema.IKE_CONNECTION)) {
                    u.newRow().ifPresent(row -> ovsdbRow(u, row, now));
                  }
                }
              })
          .get(30, TimeUnit.SECONDS);

      ViciClient vici = ViciClient.open(charonA.resolve("charon.vici"));
      vici.connected().get(30, TimeUnit.SECONDS);
      String abName = "nsvpn-" + ab.id().hex();
      vici.subscribe(
              "child-updown",
              event -> {
                // The first child SA to come up after the termination (when both ends initiate,
                // a second follows and is soon closed again).
                if (event.flag("up") && event.sections().containsKey(abName) && childUpAt == 0) {
                  childUpAt = System.nanoTime();
                }
              })
          .get(30, TimeUnit.SECONDS);

      String ab0 = ab.id().toString();
      String ac0 = ac.id().toString();
      StockCharon peer = StockCharon.start(siteC, Backend.KERNEL_LIBIPSEC);
      peer.loadAll(siteCConf);
      await("a-to-b up", () -> "up".equals(zkView(ab0).state));
      await("a-to-c up", () -> "up".equals(zkView(ac0).state));

      List<long[]> up = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        childUpAt = 0;
        vici.request(
                "terminate", ViciSection.builder().put("ike", abName).put("timeout", -1).build())
            .get(30, TimeUnit.SECONDS);
        await("a-to-b down after terminate", () -> !"up".equals(zkView(ab0).state));
        await("a-to-b up again", () -> "up".equals(zkView(ab0).state) && childUpAt != 0);
        await("OVSDB up again", () -> "up".equals(ovsdbView(ab0).state));
        long t0 = childUpAt;
        up.add(new long[] {zkView(ab0).changedAt - t0, ovsdbView(ab0).changedAt - t0});
        settle();
      }
      report("tunnel established in charon -> up", up);

      List<long[]> killed = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        long pid = Long.parseLong(Files.readString(charonA.resolve("charon.pid")).trim());
        ProcessHandle charon = ProcessHandle.of(pid).orElseThrow();
        long t0 = System.nanoTime();
        charon.destroyForcibly();
        await(
            "a-to-b charon-exited",
            () -> "charon-exited".equals(zkView(ab0).reason) && zkView(ab0).changedAt > t0);
        await(
            "OVSDB charon-exited",
            () -> "charon-exited".equals(ovsdbView(ab0).reason) && ovsdbView(ab0).changedAt > t0);
        killed.add(new long[] {zkView(ab0).changedAt - t0, ovsdbView(ab0).changedAt - t0});
        await("a-to-b up after the restart", () -> "up".equals(zkView(ab0).state));
        settle();
      }
      report("charon killed -> not up, reason charon-exited", killed);

      List<long[]> dead = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        if (peer == null) {
          peer = StockCharon.start(siteC, Backend.KERNEL_LIBIPSEC);
          peer.loadAll(siteCConf);
        }
        await("a-to-c up", () -> "up".equals(zkView(ac0).state));
        settle();
        long t0 = System.nanoTime();
        ProcessHandle.of(peer.pid()).orElseThrow().destroyForcibly();
        peer.stop();
        peer = null;
        await(
            "a-to-c dead-peer",
            () -> "dead-peer".equals(zkView(ac0).reason) && zkView(ac0).changedAt > t0);
        await(
            "OVSDB dead-peer",
            () -> "dead-peer".equals(ovsdbView(ac0).reason) && ovsdbView(ac0).changedAt > t0);
        dead.add(new long[] {zkView(ac0).changedAt - t0, ovsdbView(ac0).changedAt - t0});
      }
      report("peer's charon killed -> down, reason dead-peer (DPD 2 s / 6 s)", dead);
      peer = StockCharon.start(siteC, Backend.KERNEL_LIBIPSEC);
      peer.loadAll(siteCConf);

      String ba0 = byName(topology.connections(), "b-to-a").id().toString();
      List<Double> repaired = new ArrayList<>();
      int onePair = 0;
      for (int i = 0; i < runs; i++) {
        await("a-to-b up", () -> "up".equals(zkView(ab0).state));
        settle();
        Process ping =
            new ProcessBuilder(
                    "ip",
                    "netns",
                    "exec",
                    vmA,
                    "ping",
                    "-D",
                    "-n",
                    "-i",
                    "0.01",
                    "-W",
                    "1",
                    "10.2.0.10")
                .redirectErrorStream(true)
                .start();
        List<Double> replies = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread reader =
            new Thread(
                () -> {
                  try (var lines =
                      new java.io.BufferedReader(
                          new java.io.InputStreamReader(ping.getInputStream()))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                      if (line.startsWith("[") && line.contains("bytes from")) {
                        replies.add(Double.parseDouble(line.substring(1, line.indexOf(']'))));
                      }
                    }
                  } catch (IOException e) {
                    // The ping ended.
                  }
                });
        reader.start();
        await("pings answered", () -> !replies.isEmpty());
        double deleted = System.currentTimeMillis() / 1000.0;
        Process del = new ProcessBuilder("ip", "netns", "del", vpnA).inheritIO().start();
        del.waitFor();
        await(
            "a reply after the deletion",
            () -> {
              synchronized (replies) {
                return replies.stream().anyMatch(t -> t > deleted + 0.02);
              }
            });
        ping.destroy();
        reader.join(5000);
        double back;
        synchronized (replies) {
          back =
              replies.stream().filter(t -> t > deleted + 0.02).min(Double::compare).orElseThrow();
        }
        repaired.add((back - deleted) * 1000);
        // One SA pair once the clean-up of extra SAs had its time.
        Thread.sleep(8000);
        if (zkIkeSas(curator, ab0) == 1 && zkIkeSas(curator, ba0) == 1) {
          onePair++;
        }
      }
      List<Double> sorted = repaired.stream().sorted().toList();
      System.out.printf(
          Locale.ROOT,
          "namespace deleted -> first ping reply through the tunnel (%d runs)%n"
              + "  median %8.1f ms  p99 %8.1f ms  min %8.1f ms  max %8.1f ms;"
              + " one IKE SA and one child SA on both ends afterwards: %d of %d runs%n",
          runs,
          median(sorted),
          sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(0.99 * sorted.size()) - 1)),
          sorted.get(0),
          sorted.get(sorted.size() - 1),
          onePair,
          runs);
      peer.stop();
      vici.close();
      client.close();
      cache.close();
    }
  }

  /** IKE SAs of a connection's record, if each has exactly one child SA; -1 otherwise. */
  private static int zkIkeSas(CuratorFramework curator, String connection) throws Exception {
    JsonNode json =
        JSON.readTree(
            curator.getData().forPath("/nsvpn/status/ipsec-site-connections/" + connection));
    int n = 0;
    for (JsonNode ike : json.path("ike-sas")) {
      if (ike.path("child-sas").size() != 1) {
        return -1;
      }
      n++;
    }
    return n;
  }

  private static double median(List<Double> sorted) {
    return sorted.size() % 2 == 1
        ? sorted.get(sorted.size() / 2)
        : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
  }

  private static IpsecSiteConnection byName(
      java.util.Collection<IpsecSiteConnection> all, String name) {
    return all.stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no connection " + name));
  }

  private void zkNode(String path, byte[] data) {
    long now = System.nanoTime();
    String id = path.substring(path.lastIndexOf('/') + 1);
    try {
      JsonNode json = JSON.readTree(data);
      String spi = "";
      for (JsonNode ike : json.path("ike-sas")) {
        for (JsonNode child : ike.path("child-sas")) {
          if (child.path("state").asText().equals("INSTALLED")) {
            spi = child.path("spi-in").asText();
          }
        }
      }
      update(
          zkView(id), json.path("state").asText(), json.path("reason-code").asText(""), spi, now);
    } catch (IOException e) {
      // Not a status record.
    }
  }

  private void ovsdbRow(RowUpdate u, Row row, long now) {
    Map<String, String> status = row.stringMap(IpsecSchema.IKE_CONN_STATUSES);
    String policy =
        row.has("policy_name") ? row.string("policy_name") : rowNames.get(u.uuid().toString());
    if (policy == null) {
      return;
    }
    rowNames.put(u.uuid().toString(), policy);
    String connection = policyToConnection(policy);
    if (connection != null) {
      update(
          ovsdbView(connection),
          status.getOrDefault("connection_state", ""),
          status.getOrDefault("reason_code", ""),
          status.getOrDefault("sa_spi_inbound", ""),
          now);
    }
  }

  private String policyToConnection(String policy) {
    return policies.get(policy);
  }

  private static void update(View view, String state, String reason, String spi, long now) {
    if (!state.equals(view.state) || !reason.equals(view.reason) || !spi.equals(view.spi)) {
      view.state = state;
      view.reason = reason;
      view.spi = spi;
      view.changedAt = now;
    }
  }

  private View zkView(String connection) {
    return zk.computeIfAbsent(connection, c -> new View());
  }

  private View ovsdbView(String connection) {
    return ovsdb.computeIfAbsent(connection, c -> new View());
  }

  private static void await(String what, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  /** Lets the agent's clean-up of extra SAs finish before the next run. */
  private static void settle() throws InterruptedException {
    Thread.sleep(3000);
  }

  private static void report(String what, List<long[]> samples) {
    System.out.printf(Locale.ROOT, "%s (%d runs)%n", what, samples.size());
    for (int k = 0; k < 2; k++) {
      int column = k;
      List<Double> ms = samples.stream().map(s -> s[column] / 1e6).sorted().toList();
      double median =
          ms.size() % 2 == 1
              ? ms.get(ms.size() / 2)
              : (ms.get(ms.size() / 2 - 1) + ms.get(ms.size() / 2)) / 2;
      double p99 = ms.get(Math.min(ms.size() - 1, (int) Math.ceil(0.99 * ms.size()) - 1));
      System.out.printf(
          Locale.ROOT,
          "  %-22s median %8.1f ms  p99 %8.1f ms  min %8.1f ms  max %8.1f ms%n",
          k == 0 ? "ZooKeeper watch" : "OVSDB monitor",
          median,
          p99,
          ms.get(0),
          ms.get(ms.size() - 1));
    }
  }
}
