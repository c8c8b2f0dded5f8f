package org.nsvpn.agentplugin.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nsvpn.chainrules.model.BridgePort;
import org.nsvpn.chainrules.model.HostBinding;
import org.nsvpn.chainrules.model.TopologyChange;
import org.nsvpn.namespacemanager.testing.KernelResources;
import org.nsvpn.topology.TopologyStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The datapath in its own process ({@code datapath.mode = process}), on the demo's topology with
 * both tunnels ({@link RestartBed}): the agent is killed and restarted, the datapath is upgraded (a
 * new process takes over) and killed, all while VM A pings both peers ten times a second and
 * tcpdump watches the internet segment for cleartext.
 */
class DatapathRestartIT {
  private static final Logger log = LoggerFactory.getLogger(DatapathRestartIT.class);
  private static final Duration PING_INTERVAL = Duration.ofMillis(100);

  /** Pings answered after an event before its losses are counted: a second of traffic. */
  private static final int SETTLE = 10;

  @RegisterExtension final KernelResources kernel = new KernelResources();

  private RestartBed r;

  @BeforeEach
  void start() throws IOException {
    r = RestartBed.start(kernel, "DatapathRestartIT");
  }

  @AfterEach
  void stop() throws IOException {
    if (r != null) {
      r.close();
    }
  }

  /** Waits for {@link #SETTLE} answers after each ping's current highest. */
  static void settle(PingLog... pings) {
    for (PingLog p : pings) {
      p.awaitAnswerAfter(p.highest() + SETTLE, RestartBed.TUNNEL);
    }
  }

  @Test
  void restartsOfEitherProcessKeepTheTunnelsAndTheAgentsLoseNoPing() throws Exception {
    VpnTestbed bed = r.bed;
    try {
      assertThat(E2eOracles.get(r.state, "/readyz").status())
          .as("the agent reaches the datapath process: ready")
          .isEqualTo(200);
      assertThat(E2eOracles.get(r.state, "datapath-metrics-address", "/readyz").status())
          .as("the datapath process is ready")
          .isEqualTo(200);

      // The agent killed and restarted: the datapath never stops, so no ping is lost.
      await("SAs reported").atMost(RestartBed.TUNNEL).until(() -> !r.childSpis(bed.aToB).isEmpty());
      List<Long> spis = r.childSpis(bed.aToB);
      try (PingLog toB = PingLog.start(bed.vmA, "10.2.0.10", PING_INTERVAL);
          PingLog toC = PingLog.start(bed.vmA, "10.3.0.1", PING_INTERVAL)) {
        settle(toB, toC);
        r.agent.kill();
        settle(toB, toC);
        r.agent.start();
        r.awaitAgentReady();
        await("status refreshed after the restart")
            .atMost(RestartBed.TUNNEL)
            .until(() -> !r.childSpis(bed.aToB).isEmpty());
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
          .containsAll(r.childSpis(bed.aToB));

      // The datapath still follows the topology (its ZooKeeper session expired while the agent's
      // embedded server was down): a binding removed stops forwarding; restored, traffic flows.
      TopologyStore store = r.agent.store();
      BridgePort vmPort = (BridgePort) store.refresh().topology().port(bed.bridgeAVm).orElseThrow();
      HostBinding binding = vmPort.binding().orElseThrow();
      store.commit(new TopologyChange(List.of(vmPort.withBinding(Optional.empty())), List.of()));
      await("nothing forwarded for VM A's unbound port")
          .atMost(RestartBed.TUNNEL)
          .until(() -> !VpnTestbed.ping(bed.vmA, "10.2.0.10").ok());
      BridgePort unbound =
          (BridgePort) store.refresh().topology().port(bed.bridgeAVm).orElseThrow();
      store.commit(
          new TopologyChange(List.of(unbound.withBinding(Optional.of(binding))), List.of()));
      RestartBed.awaitPing(bed.vmA, "10.2.0.10");

      // An upgrade of the datapath: a new process takes over, the old one exits.
      try (PingLog toB = PingLog.start(bed.vmA, "10.2.0.10", PING_INTERVAL);
          PingLog toC = PingLog.start(bed.vmA, "10.3.0.1", PING_INTERVAL)) {
        settle(toB, toC);
        assertThat(r.handOver()).as("the old datapath handed over and exited cleanly").isZero();
        assertThat(r.datapath.log()).contains("took over from the previous nsvpn-datapath");
        settle(toB, toC);
        log.info(
            "datapath handover: {} and {} pings lost (to B, to C) at {} ms",
            toB.longestGap(),
            toC.longestGap(),
            PING_INTERVAL.toMillis());
      }
      r.awaitAgentReady();

      // The datapath killed: nothing forwards until its supervisor (here, the test) starts another.
      try (PingLog toB = PingLog.start(bed.vmA, "10.2.0.10", PING_INTERVAL)) {
        settle(toB);
        r.killAndRestartDatapath();
        settle(toB);
        log.info(
            "datapath SIGKILL and restart: {} pings lost at {} ms",
            toB.longestGap(),
            PING_INTERVAL.toMillis());
        assertThat(toB.longestGap()).as("a killed datapath forwards nothing").isPositive();
      }
      RestartBed.awaitPing(bed.vmA, "10.3.0.1");
    } finally {
      SegmentAudit audit = SegmentAudit.of(r.capture.stop());
      assertThat(audit.violations())
          .as("frames other than ARP, IKE, NAT-T, ESP between public addresses")
          .isEmpty();
      assertThat(audit.natT() + audit.esp()).as("encrypted traffic crossed").isPositive();
    }
  }
}
