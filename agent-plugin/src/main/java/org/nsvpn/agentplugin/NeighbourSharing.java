package org.nsvpn.agentplugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.simulator.state.NeighbourListener;
import org.nsvpn.simulator.state.NetworkState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares what the routers' simulations learn about neighbours between the agents of a cluster,
 * through ZooKeeper, as MidoNet shares its ARP tables. A frame is simulated on the host where it
 * enters, but a neighbour's ARP reply enters where the neighbour is bound: without sharing, the
 * router on the first host would never resolve a VM on another host.
 *
 * <p>Layout: {@code ROOT/state/neighbours/ROUTER-UUID/PORT-UUID@ADDRESS} holds {@code
 * {"mac":..,"host":..}}. Writes leave the datapath thread at once (one thread here does them, in
 * order); every agent applies the others' entries to its own state with {@link
 * org.nsvpn.simulator.state.ArpCache#learnFromPeer}, so nothing echoes back. Entries of deleted
 * routers are removed as the topology changes; an entry is rewritten when it changes or is half way
 * to expiring, so peers' copies expire only when the neighbour went silent.
 */
final class NeighbourSharing implements NeighbourListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NeighbourSharing.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CuratorFramework client;
  private final String directory;
  private final HostId self;
  private final ExecutorService writer =
      Executors.newSingleThreadExecutor(DaemonThreads.named("nsvpn-neighbour-sharing"));
  private volatile NetworkState state;

  /** The routers of the last snapshot {@link #retainRouters} saw; null before the first. */
  private Set<String> knownRouters;

  private CuratorCache cache;

  NeighbourSharing(CuratorFramework client, String root, HostId self) {
    this.client = client;
    this.directory = ZKPaths.makePath(root, "state", "neighbours");
    this.self = self;
  }

  /** Applies the entries other hosts share, now and as they change, to {@code networkState}. */
  void start(NetworkState networkState) {
    this.state = networkState;
    try {
      client.createContainers(directory);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create " + directory + " in ZooKeeper", e);
    }
    cache = CuratorCache.build(client, directory);
    cache
        .listenable()
        .addListener(
            CuratorCacheListener.builder()
                .forCreatesAndChanges((before, after) -> apply(after))
                .forInitialized(() -> log.debug("neighbour sharing: caught up"))
                .build());
    cache.start();
  }

  private void apply(ChildData data) {
    if (data.getPath().length() <= directory.length() + 1) {
      return; // the directory itself
    }
    List<String> parts = ZKPaths.split(data.getPath().substring(directory.length()));
    if (parts.size() != 2 || data.getData() == null || data.getData().length == 0) {
      return;
    }
    try {
      JsonNode json = JSON.readTree(data.getData());
      if (json.path("host").asText().equals(self.toString())) {
        return;
      }
      int at = parts.get(1).indexOf('@');
      RouterId router = RouterId.parse(parts.get(0));
      PortId port = PortId.parse(parts.get(1).substring(0, at));
      IpAddress ip = IpAddress.parse(parts.get(1).substring(at + 1));
      state.arpCache(router).learnFromPeer(port, ip, MacAddress.parse(json.path("mac").asText()));
    } catch (Exception e) {
      log.warn("neighbour sharing: ignoring {}: {}", data.getPath(), e.toString());
    }
  }

  @Override
  public void learned(RouterId router, PortId port, IpAddress ip, MacAddress mac) {
    ObjectNode json = JSON.createObjectNode();
    json.put("mac", mac.toString());
    json.put("host", self.toString());
    String path = ZKPaths.makePath(directory, router.toString(), port + "@" + ip);
    execute(() -> write(path, json));
  }

  private void execute(Runnable task) {
    try {
      writer.execute(task);
    } catch (RejectedExecutionException closing) {
      // The agent is stopping; the neighbour will be learned again by whoever runs next.
    }
  }

  private void write(String path, ObjectNode json) {
    try {
      byte[] data = JSON.writeValueAsBytes(json);
      client.create().orSetData().creatingParentContainersIfNeeded().forPath(path, data);
    } catch (Exception e) {
      log.debug("neighbour sharing: cannot write {}: {}", path, e.toString());
    }
  }

  /**
   * Removes the entries of routers that no longer exist: at the first snapshot (what an earlier run
   * left) and whenever a router went away, not at every change. Topology follower thread only.
   */
  void retainRouters(Topology topology) {
    Set<String> routers = new HashSet<>();
    for (Router r : topology.routers()) {
      routers.add(r.id().toString());
    }
    Set<String> before = knownRouters;
    knownRouters = routers;
    if (before != null && routers.containsAll(before)) {
      return;
    }
    execute(
        () -> {
          try {
            for (String child : client.getChildren().forPath(directory)) {
              if (!routers.contains(child)) {
                client
                    .delete()
                    .quietly()
                    .deletingChildrenIfNeeded()
                    .forPath(ZKPaths.makePath(directory, child));
              }
            }
          } catch (KeeperException.NoNodeException e) {
            // Nothing shared yet.
          } catch (Exception e) {
            log.debug("neighbour sharing: cannot clean up: {}", e.toString());
          }
        });
  }

  @Override
  public void close() {
    if (cache != null) {
      cache.close();
    }
    writer.shutdown();
    try {
      writer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
