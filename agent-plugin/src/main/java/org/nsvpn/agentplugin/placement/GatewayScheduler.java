package org.nsvpn.agentplugin.placement;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.nsvpn.agentplugin.DaemonThreads;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.topology.StatusStore;
import org.nsvpn.topology.status.GatewayAssignment;
import org.nsvpn.topology.status.ServiceState;
import org.nsvpn.topology.status.VpnServiceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's one scheduler of VPN services over gateway groups. Every agent runs one; a Curator
 * {@link LeaderLatch} elects which acts. The leader re-evaluates {@link Scheduling#decide} whenever
 * the topology, a host's liveness or an assignment changes, every 100 ms while a drain waits for a
 * moved service to settle, and every {@code recheck} regardless; it writes each decision under a
 * check of its own election node (see {@link StatusStore#assign}), so a scheduler that lost its
 * session can never write again.
 *
 * <p>All evaluation runs on one thread; triggers arriving during an evaluation coalesce into one
 * more.
 */
public final class GatewayScheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GatewayScheduler.class);

  private final StatusStore status;
  private final Supplier<Topology> topology;
  private final LeaderLatch latch;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("nsvpn-scheduler"));
  private final AtomicBoolean queued = new AtomicBoolean();
  private final Duration recheck;

  /** How soon a drain waiting for the previous move to settle looks again. */
  private static final Duration DRAIN_POLL = Duration.ofMillis(100);

  private AutoCloseable watch;

  /**
   * @param topology the agent's latest topology snapshot
   * @param recheck how often the leader re-evaluates without a trigger (a safety net: every change
   *     it follows triggers an evaluation)
   */
  public GatewayScheduler(
      CuratorFramework client,
      StatusStore status,
      HostId self,
      Supplier<Topology> topology,
      Duration recheck) {
    this.status = status;
    this.topology = topology;
    this.recheck = recheck;
    this.latch = new LeaderLatch(client, status.schedulerElectionPath(), self.toString());
  }

  /** Joins the election and starts following liveness and assignments. */
  public void start() {
    latch.addListener(
        new LeaderLatchListener() {
          @Override
          public void isLeader() {
            log.info("this agent is now the gateway scheduler");
            trigger();
          }

          @Override
          public void notLeader() {
            log.info("this agent is no longer the gateway scheduler");
          }
        });
    try {
      latch.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot join the scheduler election", e);
    }
    watch = status.watchPlacement(this::trigger);
    thread.scheduleWithFixedDelay(
        this::trigger, recheck.toMillis(), recheck.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** True while this agent is the elected scheduler. */
  public boolean isLeader() {
    return latch.hasLeadership();
  }

  /** Asks for an evaluation soon (coalesced); a no-op unless this agent leads. */
  public void trigger() {
    if (queued.compareAndSet(false, true)) {
      try {
        thread.execute(this::evaluate);
      } catch (RejectedExecutionException closed) {
        queued.set(false);
      }
    }
  }

  private void evaluate() {
    queued.set(false);
    if (!latch.hasLeadership()) {
      return;
    }
    try {
      String leaderNode = latch.getOurPath();
      Topology t = topology.get();
      Set<HostId> alive = status.liveHosts().keySet();
      Map<VpnServiceId, GatewayAssignment> current = status.assignments();
      Scheduling.Decision decision =
          Scheduling.decide(t, alive, current, id -> settled(current.get(id)), Instant.now());
      if (decision.drainWaiting()) {
        // Settling is reported in the service's status, which this scheduler does not watch.
        thread.schedule(this::trigger, DRAIN_POLL.toMillis(), TimeUnit.MILLISECONDS);
      }
      for (GatewayAssignment a : decision.assign()) {
        if (!status.assign(a, leaderNode)) {
          log.info(
              "scheduler: assignment of vpn-service {} not written (lost the lead, or the"
                  + " service is gone)",
              a.service());
          return;
        }
        log.info(
            "scheduler: vpn-service {} assigned to host {} ({}{})",
            a.service(),
            name(t, a.host()),
            a.reason().text(),
            a.previous().map(p -> ", was on " + name(t, p)).orElse(""));
      }
      for (VpnServiceId id : decision.unassign()) {
        if (!status.unassign(id, leaderNode)) {
          return;
        }
        log.info(
            "scheduler: vpn-service {} unassigned (no gateway group, or no usable member)", id);
      }
    } catch (RuntimeException e) {
      log.warn("scheduler: evaluation failed, retrying at the next change: {}", e.toString());
    }
  }

  private boolean settled(GatewayAssignment a) {
    if (a == null) {
      return true;
    }
    VpnServiceStatus s = status.serviceStatus(a.service()).orElse(null);
    return s != null
        && s.host().equals(a.host())
        && s.state() == ServiceState.ACTIVE
        && !s.updatedAt().isBefore(a.since());
  }

  private static String name(Topology t, HostId host) {
    return t.host(host).map(h -> h.name()).orElse(host.toString());
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      if (watch != null) {
        watch.close();
      }
      latch.close();
    } catch (Exception e) {
      log.debug("closing the scheduler: {}", e.toString());
    }
  }
}
