package org.nsvpn.agentplugin.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nsvpn.agentplugin.multihost.MultiHostTestbed.SimHost;
import org.nsvpn.chainrules.status.ConnectionState;
import org.nsvpn.topology.status.ConnectionReport;
import org.nsvpn.topology.status.GatewayAssignment;
import org.nsvpn.topology.status.PlacementReason;
import org.nsvpn.topology.status.ServiceState;
import org.nsvpn.topology.status.VpnServiceStatus;

/**
 * The failover benchmark behind {@code scripts/bench-failover} (not a test: Failsafe runs only
 * {@code *IT} classes unless asked by name). On the {@link FailoverBed}, with a ping from VM A to
 * site C every {@value #PING_MS} ms through vpnA:
 *
 * <ol>
 *   <li>host deaths ({@code nsvpn.bench.runs}, default 10): SIGKILL of the agent and charons of
 *       vpnA's gateway; the outage (the longest time between two replies, from just before the kill
 *       to the first reply through the other gateway), split into detection (kill to liveness node
 *       gone: the session timeout), scheduling (to the assignment's write), provisioning (to the
 *       service reported active on the new host), IKE (to the connection reported up there) and the
 *       path (to the first reply). The dead agent is restarted after each run.
 *   <li>drains (same count): vpnA's gateway put in maintenance; the outage (the longest time
 *       between two replies from the commit on) and its parts from the commit. Maintenance is
 *       lifted after each run (nothing moves back).
 * </ol>
 *
 * Writes one line per run to {@code nsvpn.bench.out} (tab-separated, milliseconds).
 */
class FailoverBench {
  static final int PING_MS = 50;

  @Test
  void failover() throws Exception {
    int runs = Integer.getInteger("nsvpn.bench.runs", 10);
    Path out = Path.of(System.getProperty("nsvpn.bench.out", "target/bench-failover.tsv"));
    List<String> lines = new ArrayList<>();
    lines.add("kind\trun\toutage\tdetection\tscheduling\tprovisioning\tike\tpath");
    try (FailoverBed f = FailoverBed.start();
        PingLog ping = PingLog.start(f.bed.vmA, "10.3.0.1", Duration.ofMillis(PING_MS))) {
      ping.awaitAnswerAfter(0, FailoverBed.TUNNEL);
      for (int run = 1; run <= runs; run++) {
        SimHost dead = f.hostOf(f.assignment(f.bed.serviceA).host());
        SimHost next = f.other(dead);
        await("a reply before the run")
            .atMost(FailoverBed.TUNNEL)
            .until(() -> lastReplyIsFresh(ping));
        long kill = System.currentTimeMillis();
        dead.kill();
        await("liveness of host " + dead.index + " gone")
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(10))
            .until(() -> !f.hosts.store().status().isAlive(dead.hostId()));
        long detected = System.currentTimeMillis();
        GatewayAssignment a = f.awaitMoved(f.bed.serviceA, next, PlacementReason.HOST_DEAD);
        long active = awaitActive(f, next, a.since());
        long up = awaitUp(f, next, a.since());
        long reply = awaitReply(ping, up);
        lines.add(
            row(
                "host-death",
                run,
                ping.longestGapMillis(kill - 3L * PING_MS, reply),
                detected - kill,
                a.since().toEpochMilli() - detected,
                active - a.since().toEpochMilli(),
                up - active,
                reply - up));
        System.out.println("bench-failover: " + lines.get(lines.size() - 1));
        dead.restartAgent();
        f.awaitOnlyOn(f.bed.serviceA, next);
      }
      for (int run = 1; run <= runs; run++) {
        SimHost drained = f.hostOf(f.assignment(f.bed.serviceA).host());
        SimHost next = f.other(drained);
        await("a reply before the run")
            .atMost(FailoverBed.TUNNEL)
            .until(() -> lastReplyIsFresh(ping));
        long commit = System.currentTimeMillis();
        f.setMaintenance(drained, true);
        GatewayAssignment a = f.awaitMoved(f.bed.serviceA, next, PlacementReason.HOST_MAINTENANCE);
        long active = awaitActive(f, next, a.since());
        long up = awaitUp(f, next, a.since());
        long reply = awaitReply(ping, up);
        lines.add(
            row(
                "drain",
                run,
                ping.longestGapMillis(commit - 3L * PING_MS, reply),
                0,
                a.since().toEpochMilli() - commit,
                active - a.since().toEpochMilli(),
                up - active,
                reply - up));
        System.out.println("bench-failover: " + lines.get(lines.size() - 1));
        f.setMaintenance(drained, false);
        f.awaitOnlyOn(f.bed.serviceA, next);
      }
    }
    try {
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.write(out, lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One tab-separated result line. */
  private static String row(String kind, int run, long... millis) {
    StringBuilder out = new StringBuilder(kind).append('\t').append(run);
    for (long m : millis) {
      out.append('\t').append(m);
    }
    return out.toString();
  }

  /** True when the last reply is less than three intervals old (the path works now). */
  private static boolean lastReplyIsFresh(PingLog ping) {
    return ping.firstReplyAfter(System.currentTimeMillis() - 3L * PING_MS).isPresent();
  }

  /**
   * When the first ping reply after {@code up} (the connection reported up on the new gateway)
   * arrived: one through the new gateway (waits for it).
   */
  private static long awaitReply(PingLog ping, long up) {
    await("a reply through the new gateway")
        .atMost(FailoverBed.TUNNEL)
        .pollInterval(Duration.ofMillis(10))
        .until(() -> ping.firstReplyAfter(up).isPresent());
    return ping.firstReplyAfter(up).getAsLong();
  }

  /** When vpnA was reported active on {@code host} after {@code assigned} (waits for it). */
  private static long awaitActive(FailoverBed f, SimHost host, Instant assigned) {
    await("vpnA active on host " + host.index)
        .atMost(FailoverBed.TUNNEL)
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              Optional<VpnServiceStatus> s = f.hosts.store().status().serviceStatus(f.bed.serviceA);
              return s.isPresent()
                  && s.get().host().equals(host.hostId())
                  && s.get().state() == ServiceState.ACTIVE
                  && !s.get().updatedAt().isBefore(assigned);
            });
    return f.hosts
        .store()
        .status()
        .serviceStatus(f.bed.serviceA)
        .orElseThrow()
        .updatedAt()
        .toEpochMilli();
  }

  /** When {@code host} reported vpnA's connection to site C up after {@code assigned}. */
  private static long awaitUp(FailoverBed f, SimHost host, Instant assigned) {
    await("a-to-c up on host " + host.index)
        .atMost(FailoverBed.TUNNEL)
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              Optional<ConnectionReport> r = f.hosts.store().status().connectionStatus(f.bed.aToC);
              return r.isPresent()
                  && r.get().host().equals(host.hostId())
                  && r.get().status().state() == ConnectionState.UP
                  && !r.get().status().observedAt().isBefore(assigned);
            });
    return f.hosts
        .store()
        .status()
        .connectionStatus(f.bed.aToC)
        .orElseThrow()
        .status()
        .observedAt()
        .toEpochMilli();
  }
}
