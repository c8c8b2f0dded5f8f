package org.nsvpn.topology;

import java.util.regex.Pattern;
import org.apache.curator.utils.ZKPaths;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.model.SecretRef;

/**
 * The store's layout under its root (see docs/architecture.md, "Topology store"):
 *
 * <pre>
 * ROOT/schema-version                     {"schema-version":1,"format":"nsvpn-topology"}
 * ROOT/topology                           {"txn":N}; its version is the transaction sequence
 * ROOT/topology/KIND-DIR/UUID             one object: {"kind":..,"alias":..,"object":{..}}
 * ROOT/journal/NNNNNNNNNN                 paths written by transaction N (the last 1000 kept)
 * ROOT/secrets/NAME                       a PSK, raw bytes, ACL: the secrets identity only
 * ROOT/status/hosts/UUID                  ephemeral liveness of a host's agent
 * ROOT/status/vpn-services/UUID           VPN service status, written by the agent
 * ROOT/status/ipsec-site-connections/UUID connection status, written by the agent
 * ROOT/status/gateway-assignments/UUID    where a VPN service with a gateway group runs, written
 *                                         by the elected scheduler
 * ROOT/state/scheduler                    the scheduler's leader election (Curator LeaderLatch)
 * </pre>
 */
final class StorePaths {
  private static final Pattern ROOT = Pattern.compile("(/[A-Za-z0-9_.-]+)+");

  final String root;
  final String schemaVersion;
  final String topology;
  final String journal;
  final String secrets;
  final String status;
  final String hostStatus;
  final String serviceStatus;
  final String connectionStatus;
  final String gatewayAssignments;
  final String schedulerElection;

  StorePaths(String root) {
    if (root == null || !ROOT.matcher(root).matches()) {
      throw new InvalidValueException(
          "root", String.valueOf(root), "must be an absolute ZooKeeper path like /nsvpn");
    }
    this.root = root;
    this.schemaVersion = ZKPaths.makePath(root, "schema-version");
    this.topology = ZKPaths.makePath(root, "topology");
    this.journal = ZKPaths.makePath(root, "journal");
    this.secrets = ZKPaths.makePath(root, "secrets");
    this.status = ZKPaths.makePath(root, "status");
    this.hostStatus = ZKPaths.makePath(status, "hosts");
    this.serviceStatus = ZKPaths.makePath(status, "vpn-services");
    this.connectionStatus = ZKPaths.makePath(status, "ipsec-site-connections");
    this.gatewayAssignments = ZKPaths.makePath(status, "gateway-assignments");
    this.schedulerElection = ZKPaths.makePath(root, "state", "scheduler");
  }

  String directory(ObjectKind<?, ?> kind) {
    return ZKPaths.makePath(topology, kind.directory());
  }

  String object(EntityId id) {
    return ZKPaths.makePath(directory(ObjectKind.of(id)), id.toString());
  }

  /** The path relative to the topology node, as journal entries list it: {@code routers/UUID}. */
  String relative(EntityId id) {
    return ObjectKind.of(id).directory() + "/" + id;
  }

  String journalEntry(long txn) {
    return ZKPaths.makePath(journal, String.format("%010d", txn));
  }

  String secret(SecretRef ref) {
    return ZKPaths.makePath(secrets, ref.name());
  }
}
