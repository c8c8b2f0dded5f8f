package org.nsvpn.agentplugin;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.nsvpn.agentplugin.datapath.Datapath;
import org.nsvpn.agentplugin.datapath.Underlay;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.simulator.state.NetworkState;
import org.nsvpn.topology.StoreSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The datapath with what feeds it in this JVM: the topology follower's snapshots, the VXLAN
 * underlay and neighbour sharing when the host has a tunnel address, and the counters file. The
 * agent builds one in its own JVM ({@code datapath.mode = embedded}); nsvpn-datapath builds the
 * same in its process ({@code datapath.mode = process}).
 *
 * <p>{@link #start} returns a running datapath or fails having released what it had opened. The
 * follower must be started by the caller (after this registered its listener). {@link #close()}
 * stops in reverse order and is idempotent.
 */
final class LocalDatapath implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalDatapath.class);

  private final Datapath datapath;
  private final Deque<AutoCloseable> resources;
  private final long forwardingSince;

  private LocalDatapath(Datapath datapath, Deque<AutoCloseable> resources, long forwardingSince) {
    this.datapath = datapath;
    this.resources = resources;
    this.forwardingSince = forwardingSince;
  }

  static LocalDatapath start(
      AgentConfig config, HostId host, CuratorFramework curator, TopologyFollower follower) {
    Deque<AutoCloseable> resources = new ArrayDeque<>();
    try {
      NetworkState networkState = NetworkState.create();
      if (config.tunnelAddress().isPresent()) {
        NeighbourSharing sharing = new NeighbourSharing(curator, config.zookeeperRoot(), host);
        resources.push(sharing);
        networkState = NetworkState.create(sharing);
        sharing.start(networkState);
        follower.addListener(sharing::retainRouters);
      }
      Optional<Underlay> underlay =
          config
              .tunnelAddress()
              .map(
                  a -> {
                    Underlay u = Underlay.open(a, config.overlayPort());
                    log.info("overlay: VXLAN on {}:{}", a, config.overlayPort());
                    return u;
                  });
      StoreSnapshot first = follower.snapshot();
      Datapath dp;
      try {
        dp = Datapath.create(host, first.topology(), first.tunnelKeys(), networkState, underlay);
      } catch (RuntimeException e) {
        underlay.ifPresent(Underlay::close);
        throw e;
      }
      resources.push(dp);
      dp.start();
      long forwardingSince = System.nanoTime();
      follower.addSnapshotListener(s -> dp.update(s.topology(), s.tunnelKeys()));
      resources.push(
          DatapathStatsFile.start(
              dp, config.runDirectory().resolve(DatapathStatsFile.NAME), config.statsInterval()));
      return new LocalDatapath(dp, resources, forwardingSince);
    } catch (RuntimeException e) {
      Agent.closeAll(resources);
      throw e;
    }
  }

  Datapath datapath() {
    return datapath;
  }

  /** {@link System#nanoTime()} when the datapath started forwarding. */
  long forwardingSince() {
    return forwardingSince;
  }

  @Override
  public synchronized void close() {
    Agent.closeAll(resources);
  }
}
