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
import org.nsvpn.chainrules.vpn.VpnNames;
import org.nsvpn.namespacemanager.testing.Ip;
import org.nsvpn.namespacemanager.testing.KernelResources;
import org.nsvpn.strongswan.Backend;
import org.nsvpn.strongswan.CharonFixture;
import org.nsvpn.strongswan.StockCharon;

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
    if (Files.exists(log)) {
      Files.copy(
          log,
          logs.resolve(test.getTestMethod().orElseThrow().getName() + ".log"),
          StandardCopyOption.REPLACE_EXISTING);
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
  void vmAReachesBothPeersAndEveryCounterGrowsByAtLeastTheBytesSent() {
    startSiteC(VpnTestbed.PSK_AC);
    build(true);
    awaitPing(bed.vmA, "10.2.0.10");
    awaitPing(bed.vmA, "10.3.0.1");
    awaitState(bed.aToB, ConnectionState.UP);
    awaitState(bed.aToC, ConnectionState.UP);

    long ovsdbBefore = E2eOracles.ovsdbCounter(state, "vpnA.a-to-b", "sa_data_bytes_out");
    long cliBefore = E2eOracles.showStatusBytesOut(E2eOracles.showStatus(agent, "vpnA"));
    long storeBefore = status(bed.aToB).orElseThrow().counters().bytesOut();
    Ip.Result ping =
        Ip.exec(
            "ip",
            "netns",
            "exec",
            bed.vmA,
            "ping",
            "-c",
            "20",
            "-i",
            "0.05",
            "-s",
            "1000",
            "-W",
            "1",
            "10.2.0.10");
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
                assertThat(
                        E2eOracles.showStatusBytesOut(E2eOracles.showStatus(agent, "vpnA"))
                            - cliBefore)
                    .as("show status bytes out growth (before: %d)", cliBefore)
                    .isGreaterThanOrEqualTo(sent));
    assertThat(status(bed.aToB).orElseThrow().counters().bytesOut() - storeBefore)
        .isGreaterThanOrEqualTo(sent);
    assertThat(E2eOracles.ovsdbConnections(state).get("vpnA.a-to-b"))
        .containsEntry("ike_status", "established");
    assertThat(E2eOracles.ovsdbConnections(state))
        .containsKeys("vpnA.a-to-b", "vpnA.a-to-c", "vpnB.b-to-a");
    String view = E2eOracles.showStatus(agent, "vpnA");
    assertThat(view)
        .contains("a-to-b")
        .contains("a-to-c")
        .contains("psk ****")
        .doesNotContain(VpnTestbed.PSK_AB);
  }

  @Test
  void aWrongPskIsAnAuthenticationErrorOnItsConnectionOnly() {
    startSiteC("not-the-psk-router-a-was-given");
    build(true);
    awaitPing(bed.vmA, "10.2.0.10");
    awaitState(bed.aToB, ConnectionState.UP);
    awaitState(bed.aToC, ConnectionState.ERROR);
    assertThat(status(bed.aToC).orElseThrow().reason())
        .hasValueSatisfying(r -> assertThat(r.text()).containsIgnoringCase("auth"));
    assertThat(VpnTestbed.ping(bed.vmA, "10.3.0.1").ok()).isFalse();
    assertThat(VpnTestbed.ping(bed.vmA, "10.2.0.10").ok()).isTrue();
  }

  @Test
  void theInternetSegmentSeesNoCleartextThroughFaultsAndNothingRemainsAfterDeletion()
      throws Exception {
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

      // The namespace deleted behind the agent's back: repaired.
      Ip.ip("netns", "del", VpnNames.namespace(bed.serviceA));
      pingDuringFault();
      await("namespace A repaired")
          .atMost(TUNNEL)
          .until(() -> Ip.namespaces().contains(VpnNames.namespace(bed.serviceA)));
      awaitPing(bed.vmA, "10.2.0.10");
      awaitPing(bed.vmA, "10.3.0.1");

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
      // Untouched: every SA a-to-b had is still there. (The peer may have added one meanwhile:
      // after the repair above both ends initiate, and each keeps what it initiated.)
      assertThat(childSpis(bed.aToB))
          .as("a-to-b untouched by the change of a-to-c")
          .containsAll(abSpis);

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

      // The VPN services deleted: torn down, and the pings find no way through.
      agent.store().deleteCascading(bed.serviceA);
      agent.store().deleteCascading(bed.serviceB);
      await("VPN namespaces removed")
          .atMost(TUNNEL)
          .until(
              () ->
                  !Ip.namespaces().contains(VpnNames.namespace(bed.serviceA))
                      && !Ip.namespaces().contains(VpnNames.namespace(bed.serviceB)));
      pingDuringFault();
    } finally {
      SegmentAudit audit = SegmentAudit.of(capture.stop());
      assertThat(audit.violations())
          .as("frames other than ARP, IKE, NAT-T, ESP between public addresses")
          .isEmpty();
      assertThat(audit.natT() + audit.esp())
          .as("encrypted traffic crossed the segment")
          .isPositive();
    }

    // The store lives in the agent's embedded ZooKeeper: read it before stopping the agent.
    Topology left = agent.store().refresh().topology();
    agent.stop();
    for (VpnServiceId service : List.of(bed.serviceA, bed.serviceB)) {
      assertNothingRemainsOf(service, left);
    }
  }

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
