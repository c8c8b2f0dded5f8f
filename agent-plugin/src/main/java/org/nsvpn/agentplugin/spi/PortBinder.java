package org.nsvpn.agentplugin.spi;

import org.nsvpn.chainrules.id.PortId;

/**
 * Binds exterior ports to interfaces of this host, through the topology store, so that the datapath
 * carries their frames (and every other component sees the binding).
 */
public interface PortBinder {

  /**
   * Binds {@code port} to {@code interfaceName} on this host; idempotent.
   *
   * @throws org.nsvpn.chainrules.InvalidValueException for an invalid interface name
   */
  void bind(PortId port, String interfaceName);

  /** Removes the binding of {@code port} if it is bound to this host; idempotent. */
  void unbind(PortId port);
}
