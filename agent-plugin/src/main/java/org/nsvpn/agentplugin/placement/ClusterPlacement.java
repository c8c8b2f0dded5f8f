package org.nsvpn.agentplugin.placement;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.KeeperException;
import org.nsvpn.agentplugin.DaemonThreads;
import org.nsvpn.agentplugin.datapath.DatapathControl;
import org.nsvpn.agentplugin.spi.GatewayPlacement;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.topology.StatusStore;
import org.nsvpn.topology.status.GatewayAssignment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This agent's view of the gateway assignments, and its session fence (see {@link
 * GatewayPlacement}).
 *
 * <p>Timing of the fence, with session timeout T. The servers expire the session no earlier than T
 * after they last heard from this agent; only then can another agent be given its services. Two
 * detectors close the fence before that:
 *
 * <ul>
 *   <li>Curator's SUSPENDED (or LOST), on Curator's event thread: the ZooKeeper client declares the
 *       connection lost after 2T/3 without hearing from its server.
 *   <li>A watchdog of our own: every T/8 the agent sends a request and notes when the last answered
 *       one was sent; when none sent in the last T/2 was answered, the fence closes (by 5T/8 at the
 *       latest). The client's own detector is not enough: it counts anything received, and a server
 *       that cannot hear the agent (a one-way partition) still sends it watch events, so the
 *       connection looks alive until the server closes it as the session expires. The partition
 *       test of FailoverIT found exactly that.
 * </ul>
 *
 * It reopens (on RECONNECTED, or on the watchdog's next answer) only for services whose assignment,
 * read afresh, still names this host; the others stay fenced until the plugin has torn them down.
 *
 * <p>Assignments are read on one thread whenever the watch reports a change, and delivered to
 * listeners on that thread.
 */
public final class ClusterPlacement implements GatewayPlacement, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterPlacement.class);

  private final CuratorFramework client;
  private final StatusStore status;
  private final HostId self;
  private final Optional<DatapathControl> datapath;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("nsvpn-placement"));

  /** System.nanoTime() at which the last request that ZooKeeper answered was sent. */
  private final AtomicLong lastAnswered = new AtomicLong(System.nanoTime());

  private final List<Consumer<Map<VpnServiceId, HostId>>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean readQueued = new AtomicBoolean();
  private final ConnectionStateListener sessionListener = this::sessionChanged;

  /** Guarded services and their namespace ports. Guarded by this. */
  private final Map<VpnServiceId, PortId> guarded = new HashMap<>();

  /** True from a suspension until the assignments were read again. Guarded by this. */
  private boolean fenced;

  private volatile Map<VpnServiceId, HostId> assignments = Map.of();
  private AutoCloseable watch;

  public ClusterPlacement(
      CuratorFramework client,
      StatusStore status,
      HostId self,
      Optional<DatapathControl> datapath) {
    this.client = client;
    this.status = status;
    this.self = self;
    this.datapath = datapath;
  }

  /** Reads the assignments once, then follows them and the session. */
  public void start() {
    assignments = read();
    client.getConnectionStateListenable().addListener(sessionListener);
    watch = status.watchPlacement(this::readSoon);
    long period = Math.max(50, sessionTimeoutMillis() / 8);
    thread.scheduleWithFixedDelay(this::probe, period, period, TimeUnit.MILLISECONDS);
  }

  private long sessionTimeoutMillis() {
    try {
      int negotiated = client.getZookeeperClient().getZooKeeper().getSessionTimeout();
      if (negotiated > 0) {
        return negotiated;
      }
    } catch (Exception e) {
      log.debug("no negotiated session timeout yet: {}", e.toString());
    }
    return client.getZookeeperClient().getConnectionTimeoutMs();
  }

  /** The watchdog (see the class comment): one request per period, the fence when none answers. */
  private void probe() {
    long now = System.nanoTime();
    long silentMillis = TimeUnit.NANOSECONDS.toMillis(now - lastAnswered.get());
    if (silentMillis > sessionTimeoutMillis() / 2) {
      closeFence("unanswered for " + silentMillis + " ms");
    }
    if (!client.getZookeeperClient().isConnected()) {
      return;
    }
    try {
      client
          .checkExists()
          .inBackground(
              (c, event) -> {
                if (event.getResultCode() == KeeperException.Code.OK.intValue()
                    || event.getResultCode() == KeeperException.Code.NONODE.intValue()) {
                  answered(now);
                }
              })
          .forPath(status.schedulerElectionPath());
    } catch (Exception e) {
      log.debug("watchdog request not sent: {}", e.toString());
    }
  }

  private void answered(long sentAt) {
    lastAnswered.accumulateAndGet(sentAt, Math::max);
    if (fencedWhileConnected()) {
      execute(this::reopenFence);
    }
  }

  private synchronized boolean fencedWhileConnected() {
    return fenced && client.getZookeeperClient().isConnected();
  }

  @Override
  public void onAssignments(Consumer<Map<VpnServiceId, HostId>> listener) {
    execute(
        () -> {
          listeners.add(listener);
          listener.accept(assignments);
        });
  }

  @Override
  public synchronized void guard(VpnServiceId service, PortId port) {
    guarded.put(service, port);
    datapath.ifPresent(dp -> dp.guard(port));
    if (fenced) {
      datapath.ifPresent(dp -> dp.hold(port));
    }
  }

  @Override
  public synchronized void release(VpnServiceId service) {
    PortId port = guarded.remove(service);
    if (port != null) {
      datapath.ifPresent(
          dp -> {
            dp.release(port);
            dp.unguard(port);
          });
    }
  }

  /** True while the fence is closed (for tests and the agent's status). */
  public synchronized boolean fenced() {
    return fenced;
  }

  private void sessionChanged(CuratorFramework c, ConnectionState state) {
    switch (state) {
      case SUSPENDED, LOST -> closeFence("ZooKeeper session " + state);
      case RECONNECTED -> execute(this::reopenFence);
      default -> {}
    }
  }

  private synchronized void closeFence(String why) {
    if (!fenced) {
      log.warn(
          "{}: fencing the VPN namespaces of scheduled services {} until the assignments are"
              + " confirmed",
          why,
          guarded.keySet());
    }
    fenced = true;
    datapath.ifPresent(dp -> guarded.values().forEach(dp::hold));
  }

  /** Reads the assignments afresh, opens the fence for services still assigned here. */
  private void reopenFence() {
    Map<VpnServiceId, HostId> fresh;
    try {
      fresh = read();
    } catch (RuntimeException e) {
      log.warn(
          "cannot confirm the assignments after reconnecting; staying fenced: {}", e.toString());
      return;
    }
    synchronized (this) {
      if (fenced
          && client.getZookeeperClient().isConnected()
          && TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastAnswered.get())
              <= sessionTimeoutMillis() / 2) {
        fenced = false;
        for (Map.Entry<VpnServiceId, PortId> g : guarded.entrySet()) {
          if (self.equals(fresh.get(g.getKey()))) {
            datapath.ifPresent(dp -> dp.release(g.getValue()));
          } else {
            log.warn(
                "vpn-service {} is no longer assigned here; it stays fenced until torn down",
                g.getKey());
          }
        }
        log.info("ZooKeeper session back: fence opened for services still assigned here");
      }
    }
    publish(fresh);
  }

  private void readSoon() {
    if (readQueued.compareAndSet(false, true)) {
      execute(
          () -> {
            readQueued.set(false);
            try {
              publish(read());
            } catch (RuntimeException e) {
              log.warn("cannot read the gateway assignments: {}", e.toString());
            }
          });
    }
  }

  private void publish(Map<VpnServiceId, HostId> next) {
    if (next.equals(assignments)) {
      return;
    }
    assignments = next;
    for (Consumer<Map<VpnServiceId, HostId>> l : listeners) {
      try {
        l.accept(next);
      } catch (RuntimeException e) {
        log.error("an assignment listener failed", e);
      }
    }
  }

  private Map<VpnServiceId, HostId> read() {
    Map<VpnServiceId, HostId> out = new LinkedHashMap<>();
    for (GatewayAssignment a : status.assignments().values()) {
      out.put(a.service(), a.host());
    }
    return Map.copyOf(out);
  }

  private void execute(Runnable task) {
    try {
      thread.execute(task);
    } catch (RejectedExecutionException closing) {
      // Stopping.
    }
  }

  @Override
  public void close() {
    client.getConnectionStateListenable().removeListener(sessionListener);
    thread.shutdown();
    try {
      if (watch != null) {
        watch.close();
      }
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      log.debug("closing the placement view: {}", e.toString());
    }
  }
}
