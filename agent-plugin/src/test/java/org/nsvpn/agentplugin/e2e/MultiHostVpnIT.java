package org.nsvpn.agentplugin.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nsvpn.agentplugin.multihost.MultiHostTestbed;
import org.nsvpn.agentplugin.multihost.MultiHostTestbed.SimHost;
import org.nsvpn.agentplugin.multihost.ZooKeeperEnsemble;
import org.nsvpn.chainrules.vpn.VpnNames;
import org.nsvpn.namespacemanager.testing.Ip;
import org.nsvpn.namespacemanager.testing.KernelResources;
import org.nsvpn.strongswan.Backend;
import org.nsvpn.strongswan.CharonFixture;
import org.nsvpn.strongswan.StockCharon;

/**
 * The VPN end to end across hosts, each host's datapath in an nsvpn-datapath process: VM A on host
 * 1, router A's uplink and therefore its VPN namespace on host 2, site B (uplink, VPN namespace,
 * VM) on host 3, site C a stock strongSwan on the internet segment. VM A's traffic is simulated on
 * host 1, tunnelled over the overlay to the namespace port on host 2, encrypted there, and leaves
 * by router A's uplink.
 */
class MultiHostVpnIT {
  private static final Duration TUNNEL = Duration.ofSeconds(60);

  @RegisterExtension final KernelResources kernel = new KernelResources();

  private MultiHostTestbed hosts;
  private VpnTestbed bed;
  private VpnTestbed.Placement placement;
  private StockCharon siteC;

  @BeforeEach
  void start() {
    CharonFixture.requireCharon();
    // Each host's datapath in its own process: the multi-host tests of the other classes run it in
    // the agent.
    hosts = MultiHostTestbed.start(3, true);
    SimHost one = hosts.host(1);
    SimHost two = hosts.host(2);
    SimHost three = hosts.host(3);
    placement =
        new VpnTestbed.Placement(
            Optional.of(one.namespace),
            one.hostId(),
            Optional.of(two.namespace),
            two.hostId(),
            Optional.of(three.namespace),
            three.hostId());
    bed = VpnTestbed.createAcross(kernel, placement);
    siteC = StockCharon.start(bed.siteC, Backend.KERNEL_LIBIPSEC);
    siteC.loadAll(bed.siteCConfig());
  }

  @AfterEach
  void stop() {
    try {
      if (hosts != null && bed != null) {
        hosts.store().deleteCascading(bed.serviceA);
        hosts.store().deleteCascading(bed.serviceB);
        await("VPN namespaces removed")
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    !namespaces(hosts.host(2)).contains(VpnNames.namespace(bed.serviceA))
                        && !namespaces(hosts.host(3)).contains(VpnNames.namespace(bed.serviceB)));
      }
    } finally {
      if (siteC != null) {
        siteC.stop();
      }
      if (hosts != null) {
        hosts.close();
      }
      CharonFixture.cleanUp();
    }
  }

  private static String namespaces(SimHost host) {
    return host.exec("ip", "netns", "list").stdout();
  }

  private static void awaitPing(String from, String to) {
    await(from + " reaches " + to)
        .atMost(TUNNEL)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> VpnTestbed.ping(from, to).ok());
  }

  @Test
  void aVmOnAnotherHostThanItsVpnNamespaceReachesBothPeersThroughQuorumLossWithNoCleartext() {
    Capture capture = Capture.start(bed.internet, "br0", hosts.directory.resolve("internet.pcap"));
    SegmentAudit audit;
    try {
      hosts.store().commit(bed.topology(placement, true));
      awaitPing(bed.vmA, "10.2.0.10");
      awaitPing(bed.vmA, "10.3.0.1");

      long ovsdbBefore =
          E2eOracles.ovsdbCounter(hosts.host(2).state, "vpnA.a-to-b", "sa_data_bytes_out");
      Ip.Result ping = VpnTestbed.ping(bed.vmA, "10.2.0.10", 20, "-i", "0.05", "-s", "1000");
      assertThat(ping.stdout()).contains("20 received");
      long sent = 20L * 1028;
      await("OVSDB counters of host 2, where router A's VPN runs")
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          E2eOracles.ovsdbCounter(
                                  hosts.host(2).state, "vpnA.a-to-b", "sa_data_bytes_out")
                              - ovsdbBefore)
                      .isGreaterThanOrEqualTo(sent));
      // The agents of host 1 (VM A) and host 2 (router A's uplink and VPN namespace) SIGKILLed
      // and restarted, one after the other, while VM A pings across the overlay and the tunnel:
      // their datapath processes forward on, so no ping is lost.
      for (int index : new int[] {1, 2}) {
        try (PingLog toB = PingLog.start(bed.vmA, "10.2.0.10", Duration.ofMillis(100))) {
          toB.awaitAnswerAfter(toB.highest() + 10, TUNNEL);
          hosts.host(index).killAgent();
          toB.awaitAnswerAfter(toB.highest() + 10, TUNNEL);
          hosts.host(index).restartAgent();
          toB.awaitAnswerAfter(toB.highest() + 10, TUNNEL);
          assertThat(toB.longestGap())
              .as("pings lost while the agent of host " + index + " restarted")
              .isZero();
        }
      }
      // Without a ZooKeeper quorum for longer than the agents' 4 s session timeout, the tunnels
      // carry on: agents keep their snapshot and tear nothing down.
      ZooKeeperEnsemble zk = hosts.zookeeper();
      zk.kill(1);
      zk.kill(2);
      Ip.Result toB = VpnTestbed.ping(bed.vmA, "10.2.0.10", 40);
      Ip.Result toC = VpnTestbed.ping(bed.vmA, "10.3.0.1", 5);
      assertThat(toB.stdout()).as(toB.stdout()).contains("40 received");
      assertThat(toC.stdout()).as(toC.stdout()).contains("5 received");
      for (int i = 1; i <= 3; i++) {
        assertThat(hosts.host(i).agentAlive()).as("agent of host " + i).isTrue();
      }
      zk.restart(1);
      zk.restart(2);
      zk.awaitServingAgain(1);
      zk.awaitServingAgain(2);
      await("agents alive in ZooKeeper again")
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () ->
                  hosts.store().status().isAlive(hosts.host(2).hostId())
                      && hosts.store().status().isAlive(hosts.host(3).hostId()));
      assertThat(VpnTestbed.ping(bed.vmA, "10.2.0.10").ok()).isTrue();
      audit = SegmentAudit.of(capture.stop());
    } finally {
      capture.close();
    }
    // Where things run: the namespace on the uplink's host, not on the VM's.
    assertThat(namespaces(hosts.host(2))).contains(VpnNames.namespace(bed.serviceA));
    assertThat(namespaces(hosts.host(1))).doesNotContain(VpnNames.namespace(bed.serviceA));
    assertThat(namespaces(hosts.host(3))).contains(VpnNames.namespace(bed.serviceB));
    // VM A's frames crossed the overlay from host 1.
    assertThat(hosts.host(1).stats().path("overlay").path("tx-frames").asLong())
        .isGreaterThanOrEqualTo(20);
    assertThat(audit.violations()).as("cleartext on the internet segment: %s", audit).isEmpty();
    assertThat(audit.natT() + audit.esp()).isPositive();
  }
}
