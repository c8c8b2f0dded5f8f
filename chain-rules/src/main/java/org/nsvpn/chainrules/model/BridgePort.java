package org.nsvpn.chainrules.model;

import java.util.Optional;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.BridgeId;
import org.nsvpn.chainrules.id.PortId;

/** A port of a bridge. It has no address or MAC of its own: frames pass it unchanged. */
public record BridgePort(
    PortId id,
    BridgeId bridge,
    boolean adminStateUp,
    Optional<PortId> peer,
    Optional<HostBinding> binding)
    implements Port {

  public BridgePort {
    PortChecks.check(id, peer, binding);
    Require.nonNull("bridge", bridge);
  }

  /** An up, unlinked, unbound port. */
  public static BridgePort of(PortId id, BridgeId bridge) {
    return new BridgePort(id, bridge, true, Optional.empty(), Optional.empty());
  }

  @Override
  public BridgeId device() {
    return bridge;
  }

  public BridgePort withAdminStateUp(boolean up) {
    return new BridgePort(id, bridge, up, peer, binding);
  }

  public BridgePort withPeer(Optional<PortId> newPeer) {
    return new BridgePort(id, bridge, adminStateUp, newPeer, binding);
  }

  public BridgePort withBinding(Optional<HostBinding> newBinding) {
    return new BridgePort(id, bridge, adminStateUp, peer, newBinding);
  }
}
