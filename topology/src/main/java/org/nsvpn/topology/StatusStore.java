package org.nsvpn.topology;

import java.util.Map;
import java.util.Optional;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.topology.status.ConnectionReport;
import org.nsvpn.topology.status.GatewayAssignment;
import org.nsvpn.topology.status.HostLiveness;
import org.nsvpn.topology.status.VpnServiceStatus;

/**
 * Status and liveness, kept apart from the topology: agents write them often, and they are not part
 * of the validated transactions. Liveness nodes are ephemeral (they vanish with the agent's
 * ZooKeeper session); status records are persistent, carry the reporting host and a timestamp, and
 * are deleted with their VPN service or connection. A reader judges a status record stale when its
 * host is not alive.
 *
 * <p>A status record exists only while its object does: a write checks, in the same ZooKeeper
 * transaction, that the VPN service or connection still exists, and deleting the object deletes the
 * record. So a late write from an agent that has not yet seen a deletion writes nothing, and no
 * record outlives its object.
 */
public interface StatusStore extends AutoCloseable {

  /**
   * Registers {@code host} as alive until the returned registration is closed or the process dies.
   * The node is re-created after a session expiry.
   *
   * @throws StoreException when the node cannot be created within the session timeout
   */
  AutoCloseable registerLiveness(HostLiveness liveness);

  /** The hosts whose agents are alive now. */
  Map<HostId, HostLiveness> liveHosts();

  default boolean isAlive(HostId host) {
    return liveHosts().containsKey(host);
  }

  /**
   * Writes (creates or replaces) a VPN service's status, if the service exists.
   *
   * @return false when the service does not exist (nothing was written)
   */
  boolean publish(VpnServiceStatus status);

  /**
   * Writes (creates or replaces) a connection's status as reported by {@code host}, if the
   * connection exists.
   *
   * @return false when the connection does not exist (nothing was written)
   */
  boolean publish(HostId host, ConnectionStatus status);

  Optional<VpnServiceStatus> serviceStatus(VpnServiceId service);

  Optional<ConnectionReport> connectionStatus(IpsecSiteConnectionId connection);

  /** Deletes a VPN service's status record, if any (for example when the service moves away). */
  void removeStatus(VpnServiceId service);

  /** Deletes a connection's status record, if any. */
  void removeStatus(IpsecSiteConnectionId connection);

  /** Every VPN service's gateway assignment (services with a gateway group, once placed). */
  Map<VpnServiceId, GatewayAssignment> assignments();

  Optional<GatewayAssignment> assignment(VpnServiceId service);

  /**
   * Writes an assignment (the elected scheduler's decision), in one ZooKeeper transaction that
   * checks that the writer still holds {@code leaderNode} (its node in the scheduler election) and
   * that the service still exists: a deposed scheduler, or a late decision about a deleted service,
   * writes nothing.
   *
   * @return false when either check failed (nothing was written)
   */
  boolean assign(GatewayAssignment assignment, String leaderNode);

  /**
   * Removes a service's assignment (its service left its gateway group), under the same leader
   * check as {@link #assign}.
   *
   * @return false when the leader check failed
   */
  boolean unassign(VpnServiceId service, String leaderNode);

  /** The ZooKeeper path under which the agents elect their scheduler. */
  String schedulerElectionPath();

  /**
   * Calls {@code changed} (on a ZooKeeper event thread; keep it short) whenever a host becomes
   * alive or dies, or an assignment is written or removed, and once when the watch has caught up.
   * Readers then read {@link #liveHosts} and {@link #assignments}. Closing stops the calls.
   */
  AutoCloseable watchPlacement(Runnable changed);

  /** Closes liveness registrations made through this store. */
  @Override
  void close();
}
