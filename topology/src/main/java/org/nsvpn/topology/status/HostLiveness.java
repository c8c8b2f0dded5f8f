package org.nsvpn.topology.status;

import java.time.Instant;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.HostId;

/**
 * The content of a host's ephemeral liveness node: present exactly while the host's agent holds a
 * ZooKeeper session.
 *
 * @param hostname the host's name as its operating system reports it (informational)
 * @param pid the agent's process id
 * @param startedAt when the agent registered
 */
public record HostLiveness(HostId host, String hostname, long pid, Instant startedAt) {
  public HostLiveness {
    Require.nonNull("host", host);
    Require.nonNull("hostname", hostname);
    Require.inRange("pid", pid, 1, Long.MAX_VALUE);
    Require.nonNull("started-at", startedAt);
  }
}
