package org.nsvpn.topology.status;

import java.time.Instant;
import java.util.Optional;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.VpnServiceId;

/**
 * What the agent running a VPN service last reported about it.
 *
 * @param host the host whose agent runs the service
 * @param reason cause of the state, empty when there is nothing to say
 * @param namespace the network namespace holding the IPsec endpoint, once created
 * @param charonPid the IKE daemon's process id inside that namespace, once started
 * @param viciSocket the path, on the reporting host, of that charon's VICI socket (for {@code
 *     swanctl --uri unix://PATH}), once started
 * @param updatedAt when the agent wrote this record
 */
public record VpnServiceStatus(
    VpnServiceId service,
    HostId host,
    ServiceState state,
    Optional<String> reason,
    Optional<String> namespace,
    Optional<Long> charonPid,
    Optional<String> viciSocket,
    Instant updatedAt) {

  public VpnServiceStatus {
    Require.nonNull("vpn-service", service);
    Require.nonNull("host", host);
    Require.nonNull("state", state);
    Require.nonNull("reason", reason);
    Require.nonNull("namespace", namespace);
    Require.nonNull("charon-pid", charonPid);
    Require.nonNull("vici-socket", viciSocket);
    Require.nonNull("updated-at", updatedAt);
  }
}
