package org.nsvpn.agentplugin.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.nsvpn.agentplugin.multihost.MultiHostTestbed;
import org.nsvpn.agentplugin.multihost.MultiHostTestbed.SimHost;
import org.nsvpn.agentplugin.multihost.ZooKeeperEnsemble;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.vpn.VpnNames;
import org.nsvpn.topology.status.GatewayAssignment;
import org.nsvpn.topology.status.PlacementReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * VPN gateway failover across hosts. Host 1 carries VM A and both routers' uplinks (compute and
 * edge); hosts 2 and 3 form gateway group gw0, over which the scheduler places vpnA and vpnB; site
 * C is a stock strongSwan. The tests run in order on one testbed, each starting from where the
 * previous one left the services: a host death, a partition from ZooKeeper, a drain, the scheduler
 * dying together with a gateway, a quorum loss, and the capture of the internet segment through all
 * of it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverIT {
  private static final Logger log = LoggerFactory.getLogger(FailoverIT.class);
  private static final Duration TUNNEL = FailoverBed.TUNNEL;
  private static final Duration PING_INTERVAL = Duration.ofMillis(100);
  private static final String PROBE = "nsvpn-fence-probe";

  private FailoverBed failover;
  private MultiHostTestbed hosts;
  private VpnTestbed bed;
  private Capture capture;

  @BeforeAll
  void start() {
    failover = FailoverBed.start();
    hosts = failover.hosts;
    bed = failover.bed;
    capture = Capture.start(bed.internet, "br0", hosts.directory.resolve("internet.pcap"));
  }

  @AfterAll
  void stop() {
    try {
      if (capture != null) {
        capture.close();
      }
    } finally {
      if (failover != null) {
        failover.close();
      }
    }
  }

  private GatewayAssignment assignment(VpnServiceId service) {
    return failover.assignment(service);
  }

  private SimHost hostOf(HostId id) {
    return failover.hostOf(id);
  }

  private SimHost other(SimHost gateway) {
    return failover.other(gateway);
  }

  private GatewayAssignment awaitMoved(VpnServiceId service, SimHost to, PlacementReason why) {
    return failover.awaitMoved(service, to, why);
  }

  private void awaitOnlyOn(VpnServiceId service, SimHost host) {
    failover.awaitOnlyOn(service, host);
  }

  private static void awaitPing(String from, String to) {
    FailoverBed.awaitPing(from, to);
  }

  @Test
  @Order(1)
  void aGatewayHostDeathMovesItsServiceAndTrafficResumes() {
    SimHost dead = hostOf(assignment(bed.serviceA).host());
    SimHost survivor = other(dead);
    try (PingLog ping = PingLog.start(bed.vmA, "10.3.0.1", PING_INTERVAL)) {
      ping.awaitAnswerAfter(0, TUNNEL);
      dead.kill();
      int lastBefore = ping.highest();
      GatewayAssignment moved = awaitMoved(bed.serviceA, survivor, PlacementReason.HOST_DEAD);
      assertThat(moved.previous()).contains(dead.hostId());
      ping.awaitAnswerAfter(lastBefore + 1, TUNNEL);
      log.info(
          "host death: {} pings lost at {} ms intervals (outage about {} ms)",
          ping.longestGap(),
          PING_INTERVAL.toMillis(),
          ping.outage().toMillis());
      assertThat(ping.longestGap()).isPositive();
    }
    dead.restartAgent();
    awaitOnlyOn(bed.serviceA, survivor);
    awaitOnlyOn(bed.serviceB, survivor);
    assertThat(VpnTestbed.ping(bed.vmA, "10.2.0.10").ok()).isTrue();
  }

  @Test
  @Order(2)
  void aGatewayCutOffFromZooKeeperFencesItselfAndNeverAnswersForThePublicIpAgain() {
    SimHost cut = hostOf(assignment(bed.serviceA).host());
    SimHost next = other(cut);
    capture.close();
    Set<String> before =
        new HashSet<>(GatewaySequence.of(Capture.frames(capture.file()), "203.0.113.10"));
    assertThat(before).as("the old gateway's SAs on the wire").isNotEmpty();
    capture = Capture.start(bed.internet, "br0", hosts.directory.resolve("partition.pcap"));
    long fencedBefore = cut.stats().path("fenced").asLong();
    String namespaceA = VpnNames.namespace(bed.serviceA);
    try (PingLog ping = PingLog.start(bed.vmA, "10.3.0.1", PING_INTERVAL)) {
      ping.awaitAnswerAfter(0, TUNNEL);
      cut.cutFromZooKeeper();
      try {
        awaitMoved(bed.serviceA, next, PlacementReason.HOST_DEAD);
        // The service belongs to the other host now: anything the old namespace sends must stop
        // at its host's fence. It still runs there (the agent cannot learn of the move), so try.
        for (int i = 0; i < 10; i++) {
          cut.exec(
              "ip",
              "netns",
              "exec",
              namespaceA,
              "bash",
              "-c",
              "echo " + PROBE + " > /dev/udp/203.0.113.30/9");
        }
        int at = ping.highest();
        ping.awaitAnswerAfter(at, TUNNEL);
        await("the cut host counted fenced frames")
            .atMost(Duration.ofSeconds(10))
            .until(() -> cut.stats().path("fenced").asLong() > fencedBefore);
      } finally {
        cut.reconnectToZooKeeper();
      }
      log.info(
          "partition: {} pings lost at {} ms intervals",
          ping.longestGap(),
          PING_INTERVAL.toMillis());
    }
    awaitOnlyOn(bed.serviceA, next);
    awaitOnlyOn(bed.serviceB, next);
    List<byte[]> frames = capture.stop();
    List<String> sequence = GatewaySequence.of(frames, "203.0.113.10");
    assertThat(sequence).as("the new gateway's SAs on the wire").anyMatch(k -> !before.contains(k));
    assertThat(GatewaySequence.interleaving(sequence, before))
        .as("an old SA of the cut gateway after the new gateway's first packet: %s", sequence)
        .isEqualTo(-1);
    byte[] probe = PROBE.getBytes(StandardCharsets.US_ASCII);
    assertThat(frames).noneMatch(f -> contains(f, probe));
    capture = Capture.start(bed.internet, "br0", hosts.directory.resolve("after-partition.pcap"));
  }

  @Test
  @Order(3)
  void drainingAHostMovesItsServicesOneAtATime() {
    SimHost drained = hostOf(assignment(bed.serviceA).host());
    SimHost target = other(drained);
    assertThat(assignment(bed.serviceB).host()).isEqualTo(drained.hostId());
    try (PingLog toC = PingLog.start(bed.vmA, "10.3.0.1", PING_INTERVAL);
        PingLog toB = PingLog.start(bed.vmA, "10.2.0.10", PING_INTERVAL)) {
      toC.awaitAnswerAfter(0, TUNNEL);
      toB.awaitAnswerAfter(0, TUNNEL);
      setMaintenance(drained, true);
      GatewayAssignment a = awaitMoved(bed.serviceA, target, PlacementReason.HOST_MAINTENANCE);
      GatewayAssignment b = awaitMoved(bed.serviceB, target, PlacementReason.HOST_MAINTENANCE);
      assertThat(a.since()).as("one at a time").isNotEqualTo(b.since());
      int c = toC.highest();
      int ab = toB.highest();
      toC.awaitAnswerAfter(c + 1, TUNNEL);
      toB.awaitAnswerAfter(ab + 1, TUNNEL);
      log.info(
          "drain: vpnA to C lost {} pings, A to B (both services moved) lost at most {} in a row,"
              + " at {} ms intervals",
          toC.longestGap(),
          toB.longestGap(),
          PING_INTERVAL.toMillis());
    } finally {
      setMaintenance(drained, false);
    }
    awaitOnlyOn(bed.serviceA, target);
    awaitOnlyOn(bed.serviceB, target);
  }

  @Test
  @Order(5)
  void withoutAQuorumScheduledServicesAreFencedAndResumeOnTheSameGatewayAfterwards() {
    SimHost gateway = hostOf(assignment(bed.serviceA).host());
    GatewayAssignment before = assignment(bed.serviceA);
    long fencedBefore = gateway.stats().path("fenced").asLong();
    ZooKeeperEnsemble zk = hosts.zookeeper();
    try (PingLog ping = PingLog.start(bed.vmA, "10.3.0.1", PING_INTERVAL)) {
      ping.awaitAnswerAfter(0, TUNNEL);
      zk.kill(1);
      zk.kill(2);
      try {
        // Longer than the session timeout: the agents cannot tell a partition from an outage.
        await("the gateway fenced its namespace port")
            .atMost(Duration.ofSeconds(30))
            .until(() -> gateway.stats().path("fenced").asLong() > fencedBefore);
      } finally {
        zk.restart(1);
        zk.restart(2);
      }
      zk.awaitServingAgain(1);
      zk.awaitServingAgain(2);
      int at = ping.highest();
      ping.awaitAnswerAfter(at, TUNNEL);
      log.info("quorum loss: {} pings lost", ping.longestGap());
    }
    assertThat(assignment(bed.serviceA))
        .as("sessions survive a quorum loss: nothing moved")
        .isEqualTo(before);
    awaitOnlyOn(bed.serviceA, gateway);
  }

  @Test
  @Order(4)
  void theSchedulersDeathWhileAGatewayDiesStillGivesEachServiceOneHost() {
    SimHost one = hosts.host(1);
    assertThat(hosts.schedulerHost())
        .as("host 1's agent was never restarted, so it leads the election")
        .contains(one.hostId());
    SimHost gateway = hostOf(assignment(bed.serviceA).host());
    SimHost survivor = other(gateway);
    one.kill();
    gateway.kill();
    awaitMoved(bed.serviceA, survivor, PlacementReason.HOST_DEAD);
    awaitMoved(bed.serviceB, survivor, PlacementReason.HOST_DEAD);
    assertThat(hosts.schedulerHost()).contains(survivor.hostId());
    one.restartAgent();
    gateway.restartAgent();
    awaitOnlyOn(bed.serviceA, survivor);
    awaitOnlyOn(bed.serviceB, survivor);
    awaitPing(bed.vmA, "10.3.0.1");
    awaitPing(bed.vmA, "10.2.0.10");
  }

  @Test
  @Order(6)
  void theInternetSegmentCarriedNoCleartextThroughItAll() {
    List<byte[]> frames = new ArrayList<>(Capture.frames(hosts.directory.resolve("internet.pcap")));
    frames.addAll(Capture.frames(hosts.directory.resolve("partition.pcap")));
    frames.addAll(capture.stop());
    SegmentAudit audit = SegmentAudit.of(frames);
    assertThat(audit.violations()).as("cleartext on the internet segment: %s", audit).isEmpty();
    assertThat(audit.esp() + audit.natT()).isPositive();
  }

  private void setMaintenance(SimHost host, boolean on) {
    failover.setMaintenance(host, on);
  }

  private static boolean contains(byte[] frame, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= frame.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (frame[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
