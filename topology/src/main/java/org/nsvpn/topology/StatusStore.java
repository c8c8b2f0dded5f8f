package org.nsvpn.topology;

import java.util.Map;
import java.util.Optional;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.topology.status.ConnectionStatus;
import org.nsvpn.topology.status.HostLiveness;
import org.nsvpn.topology.status.VpnServiceStatus;

/**
 * Status and liveness, kept apart from the topology: agents write them often, and they are not part
 * of the validated transactions. Liveness nodes are ephemeral (they vanish with the agent's
 * ZooKeeper session); status records are persistent, carry the reporting host and a timestamp, and
 * are deleted with their VPN service or connection. A reader judges a status record stale when its
 * host is not alive.
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

  /** Writes (creates or replaces) a VPN service's status. */
  void publish(VpnServiceStatus status);

  /** Writes (creates or replaces) a connection's status. */
  void publish(ConnectionStatus status);

  Optional<VpnServiceStatus> serviceStatus(VpnServiceId service);

  Optional<ConnectionStatus> connectionStatus(IpsecSiteConnectionId connection);

  /** Closes liveness registrations made through this store. */
  @Override
  void close();
}
