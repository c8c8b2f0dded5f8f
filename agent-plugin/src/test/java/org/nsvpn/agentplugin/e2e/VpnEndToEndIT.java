package org.nsvpn.agentplugin.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.DeadPeerDetection;
import org.nsvpn.chainrules.model.DpdAction;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.TopologyChange;
import org.nsvpn.chainrules.rules.L2TransformRule;
import org.nsvpn.chainrules.status.ConnectionState;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.chainrules.status.ReasonCode;
import org.nsvpn.chainrules.vpn.VpnNames;
import org.nsvpn.namespacemanager.testing.Ip;
import org.nsvpn.namespacemanager.testing.KernelResources;
import org.nsvpn.strongswan.Backend;
import org.nsvpn.strongswan.CharonFixture;
import org.nsvpn.strongswan.StockCharon;
import org.nsvpn.topology.StoreTransaction;
import org.nsvpn.topology.status.ServiceState;

/**
 * The agent as a process, end to end, on the demo's topology (see {@link VpnTestbed}): real frames
 * through the userspace datapath, real namespaces and charons, a stock strongSwan as site C,
 * tcpdump on the internet segment as the witness.
 */
class VpnEndToEndIT {
  private static final Duration TUNNEL = Duration.ofSeconds(60);

  @RegisterExtension final KernelResources kernel = new KernelResources();

  private Path state;
  private VpnTestbed bed;
  private AgentProcess agent;
  private StockCharon siteC;

  @BeforeEach
  void start() throws IOException {
    CharonFixture.requireCharon();
    state = Files.createTempDirectory("nsvpn-e2e-");
    CharonFixture.trackRoot(state.resolve("run/charon"));
    bed = VpnTestbed.create(kernel);
    // Assigned before it starts, so that a failed start is still cleaned up after.
    agent = new AgentProcess(state);
    agent.start();
  }

  @AfterEach
  void stop(TestInfo test) throws IOException {
    if (agent != null) {
      agent.close();
    }
    // The agent's log outlives the state directory, for whoever reads a failure report.
    Path logs = Files.createDirectories(Path.of("target", "e2e-logs"));
    Path log = state.resolve("agent.log");
    String name = test.getTestMethod().orElseThrow().getName();
    if (Files.exists(log)) {
      Files.copy(log, logs.resolve(name + ".log"), StandardCopyOption.REPLACE_EXISTING);
    }
    try (Stream<Path> captures = Files.list(state)) {
      for (Path pcap : captures.filter(p -> p.toString().endsWith(".pcap")).toList()) {
        Files.copy(
            pcap,
            logs.resolve(name + "-" + pcap.getFileName()),
            StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (siteC != null) {
      siteC.stop();
    }
    CharonFixture.cleanUp();
    try (Stream<Path> files = Files.walk(state)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private void startSiteC(String psk) {
    siteC = StockCharon.start(bed.siteC, Backend.KERNEL_LIBIPSEC);
    siteC.loadAll(bed.siteCConfig().replace(VpnTestbed.PSK_AC, psk));
  }

  private void build(boolean withSiteC) {
    agent.store().commit(bed.topology(agent.hostId().orElseThrow(), withSiteC));
  }

  private static void awaitPing(String from, String to) {
    await(from + " reaches " + to)
        .atMost(TUNNEL)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> VpnTestbed.ping(from, to).ok());
  }

  private Optional<ConnectionStatus> status(IpsecSiteConnectionId connection) {
    return agent.store().status().connectionStatus(connection).map(r -> r.status());
  }

  private List<String> childSpis(IpsecSiteConnectionId connection) {
    return status(connection).orElseThrow().ikeSas().stream()
        .flatMap(ike -> ike.childSas().stream())
        .map(c -> String.format("%08x", c.spiIn()))
        .toList();
  }

  private void awaitState(IpsecSiteConnectionId connection, ConnectionState state) {
    await(connection + " " + state)
        .atMost(TUNNEL)
        .until(() -> status(connection).map(ConnectionStatus::state).orElse(null) == state);
  }

  @Test
  void vmAReachesBothPeersAndEveryCounterGrowsByAtLeastTheBytesSent() throws IOException {
    startSiteC(VpnTestbed.PSK_AC);
    build(true);
    awaitPing(bed.vmA, "10.2.0.10");
    awaitPing(bed.vmA, "10.3.0.1");
    awaitState(bed.aToB, ConnectionState.UP);
    awaitState(bed.aToC, ConnectionState.UP);

    long ovsdbBefore = E2eOracles.ovsdbCounter(state, "vpnA.a-to-b", "sa_data_bytes_out");
    long cliBefore = E2eOracles.showStatusBytesOut(agent, "vpnA");
    long storeBefore = status(bed.aToB).orElseThrow().counters().bytesOut();
    String bytesOut =
        E2eOracles.sample(
            "nsvpn_ipsec_bytes_out_total",
            Map.of("service", "vpnA", "connection", "a-to-b", "peer", "203.0.113.20"));
    double metricBefore = E2eOracles.metrics(state).getOrDefault(bytesOut, 0.0);
    Ip.Result ping = VpnTestbed.ping(bed.vmA, "10.2.0.10", 20, "-i", "0.05", "-s", "1000");
    assertThat(ping.stdout()).contains("20 received");
    long sent = 20L * 1028; // IPv4 header + ICMP header + 1000 bytes of payload, per request

    await("OVSDB counters")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        E2eOracles.ovsdbCounter(state, "vpnA.a-to-b", "sa_data_bytes_out")
                            - ovsdbBefore)
                    .as(
                        "OVSDB sa_data_bytes_out growth (before: %d; rows %s; store %s)",
                        ovsdbBefore, E2eOracles.ovsdbConnections(state), status(bed.aToB))
                    .isGreaterThanOrEqualTo(sent));
    await("show status counters")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(E2eOracles.showStatusBytesOut(agent, "vpnA") - cliBefore)
                    .as("show status bytes out growth (before: %d)", cliBefore)
                    .isGreaterThanOrEqualTo(sent));
    assertThat(status(bed.aToB).orElseThrow().counters().bytesOut() - storeBefore)
        .isGreaterThanOrEqualTo(sent);
    await("the /metrics counter")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(E2eOracles.metrics(state).getOrDefault(bytesOut, 0.0) - metricBefore)
                    .as("%s growth", bytesOut)
                    .isGreaterThanOrEqualTo(sent));
    Map<String, Double> metrics = E2eOracles.metrics(state);
    assertThat(
            metrics.get(
                E2eOracles.sample(
                    "nsvpn_ipsec_connection_up",
                    Map.of("service", "vpnA", "connection", "a-to-c", "peer", "203.0.113.30"))))
        .isEqualTo(1.0);
    assertThat(metrics.get("nsvpn_zookeeper_connected{}")).isEqualTo(1.0);
    Map<String, String> vpnA = Map.of("service", "vpnA");
    assertThat(metrics.get(E2eOracles.sample("nsvpn_vpn_service_namespace_up", vpnA)))
        .isEqualTo(1.0);
    assertThat(metrics.get(E2eOracles.sample("nsvpn_vpn_service_charon_up", vpnA))).isEqualTo(1.0);
    assertThat(
            metrics.get(
                E2eOracles.sample(
                    "nsvpn_vpn_service_state", Map.of("service", "vpnA", "state", "active"))))
        .isEqualTo(1.0);
    assertThat(
            metrics.get(
                E2eOracles.sample(
                    "nsvpn_datapath_offload_work_total", Map.of("kind", "checksum-completed"))))
        .as("charon's UDP 4500 leaves the namespace's veth with a partial checksum")
        .isPositive();
    assertThat(metrics.get("nsvpn_reconcile_duration_seconds_count{}"))
        .as("provisioning passes counted")
        .isGreaterThanOrEqualTo(2.0);
    assertThat(metrics.keySet()).anyMatch(k -> k.startsWith("nsvpn_datapath_port_frames_total"));
    assertThat(metrics.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes"));
    E2eOracles.Http ready = E2eOracles.get(state, "/readyz");
    assertThat(ready.status()).as(ready.body()).isEqualTo(200);
    assertThat(ready.body()).contains("\"ready\":true").contains("\"zookeeper\"");
    assertThat(E2eOracles.get(state, "/healthz").status()).isEqualTo(200);

    // A dead embedded ovsdb-server is started again and the counters reach OVSDB again.
    Path pidFile = state.resolve("ovsdb/ovsdb-server.pid");
    long ovsdbPid = Long.parseLong(Files.readString(pidFile).trim());
    ProcessHandle.of(ovsdbPid).orElseThrow().destroyForcibly();
    await("the agent starts ovsdb-server again")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              try {
                long pid = Long.parseLong(Files.readString(pidFile).trim());
                return pid != ovsdbPid
                    && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
              } catch (IOException | NumberFormatException e) {
                return false;
              }
            });
    long afterRestart = E2eOracles.ovsdbCounter(state, "vpnA.a-to-b", "sa_data_bytes_out");
    assertThat(
            Ip.ping(bed.vmA, "10.2.0.10", "-c", "10", "-i", "0.05", "-s", "1000", "-W", "1")
                .stdout())
        .contains("10 received");
    await("OVSDB counters after ovsdb-server came back")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        E2eOracles.ovsdbCounter(state, "vpnA.a-to-b", "sa_data_bytes_out")
                            - afterRestart)
                    .isGreaterThanOrEqualTo(10L * 1028));
    assertThat(E2eOracles.ovsdbConnections(state).get("vpnA.a-to-b"))
        .containsEntry("ike_status", "established");
    assertThat(E2eOracles.ovsdbConnections(state))
        .containsKeys("vpnA.a-to-b", "vpnA.a-to-c", "vpnB.b-to-a");
    String view = E2eOracles.showStatus(agent, "vpnA");
    assertThat(view)
        .contains("a-to-b")
        .contains("a-to-c")
        .contains("psk ****")
        .contains("host-side namespace vpn-")
        .doesNotContain(VpnTestbed.PSK_AB);
    Ip.Result sas = E2eOracles.swanctl(agent, "vpnA", "--list-sas");
    assertThat(sas.exitCode()).as(sas.stderr()).isZero();
    assertThat(sas.stdout())
        .contains(VpnNames.charonConnection(bed.aToB) + ": #")
        .contains("ESTABLISHED")
        .contains("INSTALLED");
    Ip.Result unknown = E2eOracles.swanctl(agent, "no-such-vpn");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.stderr()).contains("no-such-vpn");
  }

  @Test
  void configurationErrorsStayOnTheirConnectionAndClearOnceFixed() {
    startSiteC("not-the-psk-router-a-was-given");
    build(true);
    awaitPing(bed.vmA, "10.2.0.10");
    awaitState(bed.aToB, ConnectionState.UP);
    awaitState(bed.aToC, ConnectionState.ERROR);
    assertThat(status(bed.aToC).orElseThrow().reason())
        .hasValueSatisfying(r -> assertThat(r.code()).isEqualTo(ReasonCode.AUTHENTICATION_FAILED));
    assertThat(VpnTestbed.ping(bed.vmA, "10.3.0.1").ok()).isFalse();
    assertThat(VpnTestbed.ping(bed.vmA, "10.2.0.10").ok()).isTrue();

    // A second connection of B whose peer CIDR overlaps b-to-a's: B cannot tell the two apart.
    IpsecSiteConnectionId overlapping = IpsecSiteConnectionId.random();
    try (StatusHistory history = StatusHistory.follow(agent.curator())) {
      addOverlappingConnectionThenFixIt(overlapping, history);
    }
  }

  private void addOverlappingConnectionThenFixIt(
      IpsecSiteConnectionId overlapping, StatusHistory history) {
    agent
        .store()
        .commit(
            StoreTransaction.builder()
                .create(
                    VpnTestbed.connection(
                        overlapping,
                        bed.serviceB,
                        "b-to-a-again",
                        "203.0.113.30",
                        "10.2.0.0/24",
                        "10.1.0.0/25",
                        "psk-ab"))
                .build());
    await("b-to-a-again reports the configuration error")
        .atMost(TUNNEL)
        .until(
            () ->
                status(overlapping)
                    .flatMap(ConnectionStatus::reason)
                    .map(r -> r.code() == ReasonCode.CONFIGURATION_INVALID)
                    .orElse(false));
    ConnectionStatus invalid = status(overlapping).orElseThrow();
    assertThat(invalid.state()).isEqualTo(ConnectionState.ERROR);
    assertThat(invalid.reason().orElseThrow().text()).contains("10.1.0.0/25").contains("overlaps");
    await("OVSDB has the reason")
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(E2eOracles.ovsdbConnections(state).get("vpnB.b-to-a-again"))
                    .containsEntry("reason_code", "configuration-invalid"));
    assertThat(E2eOracles.showStatus(agent, "vpnB"))
        .contains("reason-code configuration-invalid")
        .contains("status error on host");
    // b-to-a runs on as before, and says so while the counters move.
    long before = status(bed.bToA).orElseThrow().counters().packetsIn();
    awaitPing(bed.vmA, "10.2.0.10");
    await("b-to-a counts the ping")
        .atMost(Duration.ofSeconds(20))
        .until(() -> status(bed.bToA).orElseThrow().counters().packetsIn() > before);
    assertThat(status(bed.bToA).orElseThrow().state()).isEqualTo(ConnectionState.UP);
    assertThat(status(overlapping).orElseThrow().reason().orElseThrow().code())
        .as("still, after charon's reports")
        .isEqualTo(ReasonCode.CONFIGURATION_INVALID);
    assertThat(history.of(bed.bToA))
        .as("b-to-a's records while B's configuration is invalid")
        .isNotEmpty()
        .doesNotContain("configuration-invalid");

    agent.store().deleteCascading(overlapping);
    awaitState(bed.bToA, ConnectionState.UP);
    awaitPing(bed.vmA, "10.2.0.10");
  }

  @Test
  void theInternetSegmentSeesNoCleartextThroughFaultsAndNothingRemainsAfterDeletion()
      throws Exception {
    StatusHistory history = StatusHistory.follow(agent.curator());
    Capture capture = Capture.start(bed.internet, "br0", state.resolve("internet.pcap"));
    try {
      startSiteC(VpnTestbed.PSK_AC);
      build(true);
      awaitPing(bed.vmA, "10.2.0.10");
      awaitPing(bed.vmA, "10.3.0.1");

      // charon of router A killed: detected, restarted, tunnel back.
      long charonA = charonPid(bed.serviceA);
      ProcessHandle.of(charonA).orElseThrow().destroyForcibly();
      pingDuringFault();
      await("a new charon for router A")
          .atMost(TUNNEL)
          .until(
              () -> charonPidOrZero(bed.serviceA) != 0 && charonPidOrZero(bed.serviceA) != charonA);
      awaitPing(bed.vmA, "10.2.0.10");
      await("the restart counted in the metrics")
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          E2eOracles.metrics(state)
                              .get(
                                  E2eOracles.sample(
                                      "nsvpn_vpn_service_charon_restarts_total",
                                      Map.of("service", "vpnA"))))
                      .isEqualTo(1.0));
      assertThat(history.of(bed.aToB))
          .as("the status said why a-to-b was down")
          .contains("charon-exited")
          .endsWith("up");

      // The namespace deleted behind the agent's back: repaired.
      Ip.ip("netns", "del", VpnNames.namespace(bed.serviceA));
      pingDuringFault();
      await("namespace A repaired")
          .atMost(TUNNEL)
          .until(() -> Ip.namespaces().contains(VpnNames.namespace(bed.serviceA)));
      awaitPing(bed.vmA, "10.2.0.10");
      awaitPing(bed.vmA, "10.3.0.1");
      await("the status said the namespace was being rebuilt")
          .atMost(TUNNEL)
          .until(() -> history.of(bed.aToB).contains("namespace-repair"));
      // Both ends initiated after the repair (A anew, B when A's old charon closed its SAs): the
      // extra SAs go, on both ends alike.
      agent.awaitOneSaPair(bed.aToB, TUNNEL);
      agent.awaitOneSaPair(bed.bToA, TUNNEL);

      // A connection updated: the other keeps its SAs.
      awaitState(bed.aToB, ConnectionState.UP);
      List<String> abSpis = childSpis(bed.aToB);
      assertThat(abSpis).isNotEmpty();
      Topology t = agent.store().refresh().topology();
      IpsecSiteConnection ac = t.connection(bed.aToC).orElseThrow();
      agent
          .store()
          .commit(
              new TopologyChange(
                  List.of(
                      ac.toBuilder()
                          .dpd(
                              new DeadPeerDetection(
                                  DpdAction.RESTART,
                                  Duration.ofSeconds(10),
                                  Duration.ofSeconds(40)))
                          .build()),
                  List.of()));
      pingDuringFault();
      awaitPing(bed.vmA, "10.3.0.1");
      // The DPD change is not negotiated: a-to-c keeps its SAs too, and a-to-b is untouched.
      assertThat(childSpis(bed.aToB))
          .as("a-to-b untouched by the change of a-to-c")
          .isEqualTo(abSpis);

      // The agent killed with SIGKILL and restarted: charons adopted, same SAs.
      long charonBeforeKill = charonPid(bed.serviceA);
      List<String> spisBeforeKill = childSpis(bed.aToB);
      assertThat(spisBeforeKill).isNotEmpty();
      agent.kill();
      agent.start();
      awaitPing(bed.vmA, "10.2.0.10");
      assertThat(charonPid(bed.serviceA))
          .as("charon adopted, not restarted")
          .isEqualTo(charonBeforeKill);
      await("status refreshed after the restart")
          .atMost(TUNNEL)
          .until(() -> !childSpis(bed.aToB).isEmpty());
      assertThat(childSpis(bed.aToB)).as("SAs adopted: same SPIs").containsAll(spisBeforeKill);

    } finally {
      history.close();
      SegmentAudit audit = SegmentAudit.of(capture.stop());
      assertThat(audit.violations())
          .as("frames other than ARP, IKE, NAT-T, ESP between public addresses")
          .isEmpty();
      assertThat(audit.natT() + audit.esp())
          .as("encrypted traffic crossed the segment")
          .isPositive();
    }

    // The VPN services deleted: torn down. The sites' traffic now takes the routers' default
    // routes through the internet, in clear: the same capture sees it. (So the capture above
    // could have seen a leak, had there been one.)
    agent.store().deleteCascading(bed.serviceA);
    agent.store().deleteCascading(bed.serviceB);
    await("VPN namespaces removed")
        .atMost(TUNNEL)
        .until(
            () ->
                !Ip.namespaces().contains(VpnNames.namespace(bed.serviceA))
                    && !Ip.namespaces().contains(VpnNames.namespace(bed.serviceB)));
    Capture clear = Capture.start(bed.internet, "br0", state.resolve("cleartext.pcap"));
    java.util.concurrent.atomic.AtomicReference<Ip.Result> last =
        new java.util.concurrent.atomic.AtomicReference<>();
    try {
      await("A reaches B in clear")
          .atMost(TUNNEL)
          .until(
              () -> {
                last.set(VpnTestbed.ping(bed.vmA, "10.2.0.10"));
                return last.get().ok();
              });
    } finally {
      SegmentAudit audit = SegmentAudit.of(clear.stop());
      assertThat(audit.violations())
          .as(
              "without its VPN route, A's traffic to B crosses the internet in clear (%s; ping: %s)",
              audit, last.get() == null ? "none" : last.get().stdout())
          .anyMatch(v -> v.startsWith("IPv4 10.1.0.10 -> 10.2.0.10 proto 1 from "));
    }

    // The store lives in the agent's embedded ZooKeeper: read it before stopping the agent.
    Topology left = agent.store().refresh().topology();
    assertThat(agent.stop()).as("exit code after SIGTERM and a clean shutdown").isZero();
    for (VpnServiceId service : List.of(bed.serviceA, bed.serviceB)) {
      assertNothingRemainsOf(service, left);
    }
  }

  @Test
  void creatingAndDeletingServicesTwiceLeavesNothingBehindInZooKeeperOrTheRunDirectory()
      throws Exception {
    org.nsvpn.chainrules.id.HostId host = agent.hostId().orElseThrow();
    agent.store().commit(bed.network(host));
    agent.store().refresh();
    Map<String, String> zkBefore = statusTree();
    List<String> runBefore = runDirectory();

    for (int cycle = 1; cycle <= 2; cycle++) {
      VpnServiceId a = VpnServiceId.random();
      VpnServiceId b = VpnServiceId.random();
      IpsecSiteConnectionId ab = IpsecSiteConnectionId.random();
      IpsecSiteConnectionId ba = IpsecSiteConnectionId.random();
      List<VpnServiceId> services = new java.util.ArrayList<>(List.of(a, b));
      agent.store().commit(bed.vpn(a, b, ab, ba));
      for (int n = 1; n <= 3; n++) {
        VpnServiceId idle = VpnServiceId.random();
        kernel.namespace(VpnNames.namespace(idle));
        kernel.hostLink(VpnNames.hostInterface(idle));
        services.add(idle);
        agent.store().commit(bed.idleSite(host, cycle * 10 + n, idle));
      }
      awaitState(ab, ConnectionState.UP);
      awaitState(ba, ConnectionState.UP);
      await("cycle " + cycle + ": every service active")
          .atMost(TUNNEL)
          .until(
              () ->
                  services.stream()
                      .allMatch(
                          s ->
                              agent
                                  .store()
                                  .status()
                                  .serviceStatus(s)
                                  .map(st -> st.state() == ServiceState.ACTIVE)
                                  .orElse(false)));
      assertThat(statusTree()).as("status records while the services run").isNotEqualTo(zkBefore);

      Topology t = agent.store().refresh().topology();
      for (VpnServiceId s : services) {
        agent.store().deleteCascading(s);
      }
      for (var router : t.routers()) {
        if (router.name().startsWith("idle")) {
          for (var port : t.routerPorts(router.id())) {
            agent.store().deleteCascading(port.id());
          }
          agent.store().deleteCascading(router.id());
        }
      }
      await("cycle " + cycle + ": every namespace removed")
          .atMost(TUNNEL)
          .until(
              () ->
                  services.stream()
                      .noneMatch(s -> Ip.namespaces().contains(VpnNames.namespace(s))));
      await("cycle " + cycle + ": ZooKeeper's status records as before")
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(statusTree()).isEqualTo(zkBefore));
      await("cycle " + cycle + ": the run directory as before")
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(runDirectory()).isEqualTo(runBefore));
    }
  }

  /** Every node under the store's status path (but host liveness), with its data. */
  private Map<String, String> statusTree() throws Exception {
    Map<String, String> out = new java.util.TreeMap<>();
    var zk = agent.curator();
    java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of("/nsvpn/status"));
    while (!todo.isEmpty()) {
      String path = todo.pop();
      if (path.startsWith("/nsvpn/status/hosts/")) {
        continue;
      }
      byte[] data = zk.getData().forPath(path);
      out.put(path, data == null ? "" : new String(data, java.nio.charset.StandardCharsets.UTF_8));
      for (String child : zk.getChildren().forPath(path)) {
        todo.push(path + "/" + child);
      }
    }
    return out;
  }

  /**
   * Every file and directory under the agent's run directory, relative, but the two directories
   * that hold per-service entries ({@code charon}, {@code namespaces}) and appear with the first.
   */
  private List<String> runDirectory() throws IOException {
    Path run = state.resolve("run");
    if (!Files.exists(run)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(run)) {
      return files
          .map(p -> run.relativize(p).toString())
          .filter(p -> !List.of("", "charon", "namespaces").contains(p))
          .sorted()
          .toList();
    }
  }

  /** Waits until the connection has one IKE SA with one child SA. */
  /** Pings that must not get through in clear; their outcome does not matter, the capture does. */
  private void pingDuringFault() {
    VpnTestbed.ping(bed.vmA, "10.2.0.10");
    VpnTestbed.ping(bed.vmA, "10.3.0.1");
  }

  private long charonPid(VpnServiceId service) {
    long pid = charonPidOrZero(service);
    assertThat(pid).as("charon of " + service + " runs").isPositive();
    return pid;
  }

  private long charonPidOrZero(VpnServiceId service) {
    Path pidFile =
        state.resolve("run/charon").resolve(VpnNames.namespace(service)).resolve("charon.pid");
    try {
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      return CharonFixture.isCharon(pid) ? pid : 0;
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  private void assertNothingRemainsOf(VpnServiceId service, Topology t) {
    await("the host veth of " + service + " gone")
        .atMost(Duration.ofSeconds(20))
        .until(() -> !Ip.hostLinkExists(VpnNames.hostInterface(service)));
    assertThat(Ip.namespaces()).doesNotContain(VpnNames.namespace(service));
    assertThat(charonPidOrZero(service)).isZero();
    assertThat(t.port(org.nsvpn.chainrules.vpn.VpnRedirectPlan.namespacePortId(service))).isEmpty();
    assertThat(t.chains())
        .flatMap(c -> c.rules())
        .noneSatisfy(
            r ->
                assertThat(r)
                    .isInstanceOfSatisfying(
                        L2TransformRule.class,
                        l2 ->
                            assertThat(l2.redirect().targetPort())
                                .isEqualTo(
                                    org.nsvpn.chainrules.vpn.VpnRedirectPlan.namespacePortId(
                                        service))));
    assertThat(t.routes())
        .noneMatch(
            r ->
                r.nextHopPort()
                    .equals(
                        Optional.of(
                            org.nsvpn.chainrules.vpn.VpnRedirectPlan.namespacePortId(service))));
  }
}
