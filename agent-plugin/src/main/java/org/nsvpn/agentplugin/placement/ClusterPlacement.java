package org.nsvpn.agentplugin.placement;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.nsvpn.agentplugin.DaemonThreads;
import org.nsvpn.agentplugin.datapath.Datapath;
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
 * <p>Timing of the fence, with session timeout T: the ZooKeeper client declares the connection lost
 * (Curator's SUSPENDED) after 2T/3 without hearing from its server, while the servers expire the
 * session no earlier than T after they last heard from the client. The fence closes on SUSPENDED,
 * on Curator's event thread, so it is closed at least T/3 before any other agent can be given this
 * host's services. It reopens on RECONNECTED only for services whose assignment, read afresh, still
 * names this host; the others stay fenced until the plugin has torn them down.
 *
 * <p>Assignments are read on one thread whenever the watch reports a change, and delivered to
 * listeners on that thread.
 */
public final class ClusterPlacement implements GatewayPlacement, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterPlacement.class);

  private final CuratorFramework client;
  private final StatusStore status;
  private final HostId self;
  private final Optional<Datapath> datapath;
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(DaemonThreads.named("nsvpn-placement"));
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
      CuratorFramework client, StatusStore status, HostId self, Optional<Datapath> datapath) {
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
    if (fenced) {
      datapath.ifPresent(dp -> dp.hold(port));
    }
  }

  @Override
  public synchronized void release(VpnServiceId service) {
    PortId port = guarded.remove(service);
    if (port != null) {
      datapath.ifPresent(dp -> dp.release(port));
    }
  }

  /** True while the fence is closed (for tests and the agent's status). */
  public synchronized boolean fenced() {
    return fenced;
  }

  private void sessionChanged(CuratorFramework c, ConnectionState state) {
    switch (state) {
      case SUSPENDED, LOST -> closeFence(state);
      case RECONNECTED -> execute(this::reopenFence);
      default -> {}
    }
  }

  private synchronized void closeFence(ConnectionState state) {
    if (!fenced) {
      log.warn(
          "ZooKeeper session {}: fencing the VPN namespaces of scheduled services {} until the"
              + " assignments are confirmed",
          state,
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
      if (client.getZookeeperClient().isConnected()) {
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
