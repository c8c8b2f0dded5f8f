package org.nsvpn.agentplugin.spi;

import java.util.Map;
import java.util.function.Consumer;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.VpnServiceId;

/**
 * Where the scheduler placed the VPN services that have a gateway group, and the fence that keeps
 * this host from answering for a service it may no longer own.
 *
 * <p>The fence: while this agent's ZooKeeper session is suspended or lost, another agent may be
 * given its services at any moment, so the datapath carries no frame to or from a guarded port; the
 * fence closes on the first sign of trouble (before the session can expire on the servers, which is
 * what lets the scheduler move anything) and opens again only after the agent reconnected and read
 * that the service is still assigned here.
 */
public interface GatewayPlacement {

  /**
   * Calls {@code listener} with the current assignments (service to host) at once and after every
   * change, in order, on one thread.
   */
  void onAssignments(Consumer<Map<VpnServiceId, HostId>> listener);

  /** Puts {@code port}, the namespace port of scheduled {@code service}, under the fence. */
  void guard(VpnServiceId service, PortId port);

  /** Takes {@code service}'s port out of the fence (the service was torn down here). */
  void release(VpnServiceId service);
}
