package org.nsvpn.agentplugin.spi;

import java.util.concurrent.CompletableFuture;
import org.nsvpn.chainrules.id.PortId;

/**
 * Binds exterior ports to interfaces of this host, through the topology store, so that the datapath
 * carries their frames (and every other component sees the binding).
 */
public interface PortBinder {

  /**
   * Binds {@code port} to {@code interfaceName} on this host (idempotent) and completes once the
   * datapath reads that interface as it is now: a plugin that re-created the interface (a repaired
   * VPN namespace) learns when frames flow again, instead of waiting for the datapath's periodic
   * check. Completes at once when the agent runs no datapath.
   *
   * @throws org.nsvpn.chainrules.InvalidValueException for an invalid interface name
   */
  CompletableFuture<Void> bind(PortId port, String interfaceName);

  /** Removes the binding of {@code port} if it is bound to this host; idempotent. */
  void unbind(PortId port);
}
