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
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.model.BridgePort;
import org.nsvpn.chainrules.model.HostBinding;
import org.nsvpn.chainrules.model.TopologyChange;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.namespacemanager.testing.KernelResources;
import org.nsvpn.strongswan.Backend;
import org.nsvpn.strongswan.CharonFixture;
import org.nsvpn.strongswan.StockCharon;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The datapath in its own process ({@code datapath.mode = process}), on the demo's topology with
 * both tunnels: the agent is killed and restarted, the datapath is upgraded (a new process takes
 * over) and killed, all while VM A pings both peers ten times a second and tcpdump watches the
 * internet segment for cleartext.
 */
class DatapathRestartIT {
  private static final Logger log = LoggerFactory.getLogger(DatapathRestartIT.class);
  private static final Duration TUNNEL = Duration.ofSeconds(60);
  private static final Duration PING_INTERVAL = Duration.ofMillis(100);

  /** Pings answered after an event before its losses are counted: a second of traffic. */
  private static final int SETTLE = 10;

  @RegisterExtension final KernelResources kernel = new KernelResources();

  private Path state;
  private VpnTestbed bed;
  private AgentProcess agent;
  private DatapathProcessHandle datapath;
  private StockCharon siteC;

  @BeforeEach
  void start() throws IOException {
    CharonFixture.requireCharon();
    state = Files.createTempDirectory("nsvpn-dp-");
    CharonFixture.trackRoot(state.resolve("run/charon"));
    bed = VpnTestbed.create(kernel);
    agent = new AgentProcess(state, "  datapath.mode = process\n  datapath.metrics-port = 0\n");
    agent.start();
    datapath = DatapathProcessHandle.start(state, "datapath-1");
  }

  @AfterEach
  void stop() throws IOException {
    try {
      if (datapath != null) {
        datapath.close();
      }
      if (agent != null) {
        agent.close();
      }
    } finally {
      Path logs = Files.createDirectories(Path.of("target", "e2e-logs"));
      try (Stream<Path> files = Files.list(state)) {
        for (Path f :
            files
                .filter(p -> p.toString().endsWith(".log") || p.toString().endsWith(".pcap"))
                .toList()) {
          Files.copy(
              f,
              logs.resolve("DatapathRestartIT-" + f.getFileName()),
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
  }

  private static void awaitPing(String from, String to) {
    await(from + " reaches " + to)
        .atMost(TUNNEL)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> VpnTestbed.ping(from, to).ok());
  }

  private List<Long> childSpis(IpsecSiteConnectionId connection) {
    return agent
        .store()
        .status()
        .connectionStatus(connection)
        .map(r -> r.status())
        .map(ConnectionStatus::ikeSas)
        .orElse(List.of())
        .stream()
        .flatMap(ike -> ike.childSas().stream())
        .map(c -> c.spiIn())
        .toList();
  }

  /** Waits for {@link #SETTLE} answers after {@code pings}' current highest, on every one. */
  private static void settle(PingLog... pings) {
    for (PingLog p : pings) {
      p.awaitAnswerAfter(p.highest() + SETTLE, TUNNEL);
    }
  }

  @Test
  void restartsOfEitherProcessKeepTheTunnelsAndTheAgentsLoseNoPing() throws Exception {
    Capture capture = Capture.start(bed.internet, "br0", state.resolve("internet.pcap"));
    try {
      siteC = StockCharon.start(bed.siteC, Backend.KERNEL_LIBIPSEC);
      siteC.loadAll(bed.siteCConfig());
      agent.store().commit(bed.topology(agent.hostId().orElseThrow(), true));
      awaitPing(bed.vmA, "10.2.0.10");
      awaitPing(bed.vmA, "10.3.0.1");
      assertThat(E2eOracles.get(state, "/readyz").status())
          .as("the agent reaches the datapath process: ready")
          .isEqualTo(200);
      assertThat(E2eOracles.get(state, "datapath-metrics-address", "/readyz").status())
          .as("the datapath process is ready")
          .isEqualTo(200);

      // The agent killed and restarted: the datapath never stops, so no ping is lost.
      await("SAs reported").atMost(TUNNEL).until(() -> !childSpis(bed.aToB).isEmpty());
      List<Long> spis = childSpis(bed.aToB);
      try (PingLog toB = PingLog.start(bed.vmA, "10.2.0.10", PING_INTERVAL);
          PingLog toC = PingLog.start(bed.vmA, "10.3.0.1", PING_INTERVAL)) {
        settle(toB, toC);
        agent.kill();
        settle(toB, toC);
        agent.start();
        await("the restarted agent reaches the datapath")
            .atMost(TUNNEL)
            .ignoreExceptions()
            .until(() -> E2eOracles.get(state, "/readyz").status() == 200);
        await("status refreshed after the restart")
            .atMost(TUNNEL)
            .until(() -> !childSpis(bed.aToB).isEmpty());
        settle(toB, toC);
        log.info(
            "agent SIGKILL and restart: {} and {} pings lost (to B, to C) at {} ms",
            toB.longestGap(),
            toC.longestGap(),
            PING_INTERVAL.toMillis());
        assertThat(toB.longestGap()).as("pings to B lost while the agent was away").isZero();
        assertThat(toC.longestGap()).as("pings to C lost while the agent was away").isZero();
      }
      // Both ends may have initiated at first: a duplicate SA may have gone since, but none is new.
      assertThat(spis)
          .as("the SAs after the restart are those from before: charon adopted")
          .containsAll(childSpis(bed.aToB));

      // The datapath still follows the topology (its ZooKeeper session expired while the agent's
      // embedded server was down): a binding removed stops forwarding; restored, traffic flows.
      BridgePort vmPort =
          (BridgePort) agent.store().refresh().topology().port(bed.bridgeAVm).orElseThrow();
      agent
          .store()
          .commit(new TopologyChange(List.of(vmPort.withBinding(Optional.empty())), List.of()));
      await("nothing forwarded for VM A's unbound port")
          .atMost(TUNNEL)
          .until(() -> !VpnTestbed.ping(bed.vmA, "10.2.0.10").ok());
      HostBinding binding = vmPort.binding().orElseThrow();
      agent
          .store()
          .commit(
              new TopologyChange(
                  List.of(
                      ((BridgePort)
                              agent.store().refresh().topology().port(bed.bridgeAVm).orElseThrow())
                          .withBinding(Optional.of(binding))),
                  List.of()));
      awaitPing(bed.vmA, "10.2.0.10");

      // An upgrade of the datapath: a new process takes over, the old one exits.
      try (PingLog toB = PingLog.start(bed.vmA, "10.2.0.10", PING_INTERVAL);
          PingLog toC = PingLog.start(bed.vmA, "10.3.0.1", PING_INTERVAL)) {
        settle(toB, toC);
        DatapathProcessHandle old = datapath;
        datapath = DatapathProcessHandle.start(state, "datapath-2");
        assertThat(old.awaitExit(Duration.ofSeconds(30)))
            .as("the old datapath handed over and exited cleanly")
            .isZero();
        assertThat(datapath.log()).contains("took over from the previous nsvpn-datapath");
        settle(toB, toC);
        log.info(
            "datapath handover: {} and {} pings lost (to B, to C) at {} ms",
            toB.longestGap(),
            toC.longestGap(),
            PING_INTERVAL.toMillis());
      }
      await("the agent reconnected to the new datapath")
          .atMost(TUNNEL)
          .ignoreExceptions()
          .until(() -> E2eOracles.get(state, "/readyz").status() == 200);

      // The datapath killed: nothing forwards until its supervisor (here, the test) starts another.
      try (PingLog toB = PingLog.start(bed.vmA, "10.2.0.10", PING_INTERVAL)) {
        settle(toB);
        datapath.kill();
        datapath = DatapathProcessHandle.start(state, "datapath-3");
        settle(toB);
        log.info(
            "datapath SIGKILL and restart: {} pings lost at {} ms",
            toB.longestGap(),
            PING_INTERVAL.toMillis());
        assertThat(toB.longestGap()).as("a killed datapath forwards nothing").isPositive();
      }

    } finally {
      SegmentAudit audit = SegmentAudit.of(capture.stop());
      assertThat(audit.violations())
          .as("frames other than ARP, IKE, NAT-T, ESP between public addresses")
          .isEmpty();
      assertThat(audit.natT() + audit.esp()).as("encrypted traffic crossed").isPositive();
    }
  }
}
