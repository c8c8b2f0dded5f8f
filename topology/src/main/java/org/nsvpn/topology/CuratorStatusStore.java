package org.nsvpn.topology;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.topology.json.JsonCodec;
import org.nsvpn.topology.json.StatusJson;
import org.nsvpn.topology.json.StoredDataException;
import org.nsvpn.topology.status.ConnectionReport;
import org.nsvpn.topology.status.GatewayAssignment;
import org.nsvpn.topology.status.HostLiveness;
import org.nsvpn.topology.status.VpnServiceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ZooKeeper implementation of {@link StatusStore}. */
final class CuratorStatusStore implements StatusStore {
  private static final Logger log = LoggerFactory.getLogger(CuratorStatusStore.class);

  private final CuratorFramework client;
  private final StorePaths paths;
  private final Set<PersistentNode> registrations = ConcurrentHashMap.newKeySet();

  CuratorStatusStore(CuratorFramework client, StorePaths paths) {
    this.client = client;
    this.paths = paths;
  }

  @Override
  public AutoCloseable registerLiveness(HostLiveness liveness) {
    PersistentNode node =
        new PersistentNode(
            client,
            CreateMode.EPHEMERAL,
            false,
            paths.hostStatus + "/" + liveness.host(),
            JsonCodec.toBytes(StatusJson.encode(liveness)));
    node.start();
    try {
      if (!node.waitForInitialCreate(
          ZooKeeperClients.SESSION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        closeQuietly(node);
        throw new StoreException("could not register liveness of host " + liveness.host());
      }
    } catch (InterruptedException e) {
      closeQuietly(node);
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while registering liveness", e);
    }
    registrations.add(node);
    return () -> {
      if (registrations.remove(node)) {
        node.close();
      }
    };
  }

  @Override
  public Map<HostId, HostLiveness> liveHosts() {
    Map<HostId, HostLiveness> out = new LinkedHashMap<>();
    try {
      for (String child : client.getChildren().forPath(paths.hostStatus)) {
        String path = paths.hostStatus + "/" + child;
        try {
          HostLiveness h =
              StatusJson.hostLiveness(JsonCodec.parse(path, client.getData().forPath(path)));
          out.put(h.host(), h);
        } catch (KeeperException.NoNodeException gone) {
          // The host went while we listed.
        } catch (StoredDataException | IllegalArgumentException e) {
          log.warn("ignoring undecodable liveness node {}: {}", path, e.getMessage());
        }
      }
      return out;
    } catch (KeeperException.NoNodeException e) {
      // A store whose layout is not created yet (opened lazily): nobody has registered.
      return out;
    } catch (Exception e) {
      throw failure("cannot list live hosts", e);
    }
  }

  @Override
  public boolean publish(VpnServiceStatus status) {
    return write(
        paths.object(status.service()),
        paths.serviceStatus + "/" + status.service(),
        JsonCodec.toBytes(StatusJson.encode(status)));
  }

  @Override
  public boolean publish(HostId host, ConnectionStatus status) {
    return write(
        paths.object(status.connection()),
        paths.connectionStatus + "/" + status.connection(),
        JsonCodec.toBytes(StatusJson.encode(host, status)));
  }

  /**
   * Writes {@code data} at {@code path} in one transaction with a check that {@code objectPath}
   * exists; false when it does not.
   */
  private boolean write(String objectPath, String path, byte[] data) {
    try {
      for (int attempt = 0; ; attempt++) {
        boolean exists = client.checkExists().forPath(path) != null;
        try {
          client
              .transaction()
              .forOperations(
                  client.transactionOp().check().forPath(objectPath),
                  exists
                      ? client.transactionOp().setData().forPath(path, data)
                      : client.transactionOp().create().forPath(path, data));
          return true;
        } catch (KeeperException.NoNodeException | KeeperException.NodeExistsException e) {
          // Either the object is gone, or the record appeared or vanished since we looked.
          if (client.checkExists().forPath(objectPath) == null) {
            return false;
          }
          if (attempt >= 3) {
            throw e;
          }
        }
      }
    } catch (Exception e) {
      throw failure("cannot write status " + path, e);
    }
  }

  @Override
  public void removeStatus(VpnServiceId service) {
    delete(paths.serviceStatus + "/" + service);
  }

  @Override
  public void removeStatus(IpsecSiteConnectionId connection) {
    delete(paths.connectionStatus + "/" + connection);
  }

  private void delete(String path) {
    try {
      client.delete().quietly().forPath(path);
    } catch (Exception e) {
      throw failure("cannot delete status " + path, e);
    }
  }

  @Override
  public Optional<VpnServiceStatus> serviceStatus(VpnServiceId service) {
    return read(paths.serviceStatus + "/" + service, StatusJson::vpnServiceStatus);
  }

  @Override
  public Optional<ConnectionReport> connectionStatus(IpsecSiteConnectionId connection) {
    return read(paths.connectionStatus + "/" + connection, StatusJson::connectionReport);
  }

  /** Reads and decodes a record; a record the model refuses is a StoreException naming it. */
  private <T> Optional<T> read(
      String path, java.util.function.Function<com.fasterxml.jackson.databind.JsonNode, T> decode) {
    com.fasterxml.jackson.databind.JsonNode json;
    try {
      json = JsonCodec.parse(path, client.getData().forPath(path));
    } catch (KeeperException.NoNodeException e) {
      return Optional.empty();
    } catch (StoredDataException e) {
      throw new StoreException(e.getMessage(), e);
    } catch (Exception e) {
      throw failure("cannot read status " + path, e);
    }
    try {
      return Optional.of(decode.apply(json));
    } catch (IllegalArgumentException e) {
      throw new StoreException(path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Map<VpnServiceId, GatewayAssignment> assignments() {
    Map<VpnServiceId, GatewayAssignment> out = new LinkedHashMap<>();
    try {
      for (String child : client.getChildren().forPath(paths.gatewayAssignments)) {
        String path = paths.gatewayAssignments + "/" + child;
        try {
          GatewayAssignment a =
              StatusJson.gatewayAssignment(JsonCodec.parse(path, client.getData().forPath(path)));
          out.put(a.service(), a);
        } catch (KeeperException.NoNodeException gone) {
          // Removed while we listed.
        } catch (StoredDataException | IllegalArgumentException e) {
          log.warn("ignoring undecodable assignment {}: {}", path, e.getMessage());
        }
      }
      return out;
    } catch (KeeperException.NoNodeException e) {
      // A store whose layout is not created yet (opened lazily): nothing is assigned.
      return out;
    } catch (Exception e) {
      throw failure("cannot list gateway assignments", e);
    }
  }

  @Override
  public Optional<GatewayAssignment> assignment(VpnServiceId service) {
    return read(paths.gatewayAssignments + "/" + service, StatusJson::gatewayAssignment);
  }

  @Override
  public boolean assign(GatewayAssignment assignment, String leaderNode) {
    String path = paths.gatewayAssignments + "/" + assignment.service();
    byte[] data = JsonCodec.toBytes(StatusJson.encode(assignment));
    try {
      boolean exists = client.checkExists().forPath(path) != null;
      client
          .transaction()
          .forOperations(
              client.transactionOp().check().forPath(leaderNode),
              client.transactionOp().check().forPath(paths.object(assignment.service())),
              exists
                  ? client.transactionOp().setData().forPath(path, data)
                  : client.transactionOp().create().forPath(path, data));
      return true;
    } catch (KeeperException.NoNodeException | KeeperException.NodeExistsException e) {
      return false;
    } catch (Exception e) {
      throw failure("cannot write gateway assignment " + path, e);
    }
  }

  @Override
  public boolean unassign(VpnServiceId service, String leaderNode) {
    String path = paths.gatewayAssignments + "/" + service;
    try {
      if (client.checkExists().forPath(path) == null) {
        return client.checkExists().forPath(leaderNode) != null;
      }
      client
          .transaction()
          .forOperations(
              client.transactionOp().check().forPath(leaderNode),
              client.transactionOp().delete().forPath(path));
      return true;
    } catch (KeeperException.NoNodeException e) {
      return false;
    } catch (Exception e) {
      throw failure("cannot remove gateway assignment " + path, e);
    }
  }

  @Override
  public String schedulerElectionPath() {
    return paths.schedulerElection;
  }

  @Override
  public AutoCloseable watchPlacement(Runnable changed) {
    CuratorCache hosts = CuratorCache.build(client, paths.hostStatus);
    CuratorCache assignments = CuratorCache.build(client, paths.gatewayAssignments);
    CuratorCacheListener listener =
        CuratorCacheListener.builder()
            .forCreates(c -> changed.run())
            .forChanges((before, after) -> changed.run())
            .forDeletes(c -> changed.run())
            .forInitialized(changed)
            .build();
    hosts.listenable().addListener(listener);
    assignments.listenable().addListener(listener);
    hosts.start();
    assignments.start();
    return () -> {
      hosts.close();
      assignments.close();
    };
  }

  @Override
  public void close() {
    for (PersistentNode node : Set.copyOf(registrations)) {
      registrations.remove(node);
      closeQuietly(node);
    }
  }

  private static void closeQuietly(PersistentNode node) {
    try {
      node.close();
    } catch (Exception e) {
      log.debug("closing a liveness node failed: {}", e.toString());
    }
  }

  private static StoreException failure(String what, Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    return new StoreException(what + ": " + e.getMessage(), e);
  }
}
