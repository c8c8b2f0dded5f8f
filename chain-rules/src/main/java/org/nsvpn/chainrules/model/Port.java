package org.nsvpn.chainrules.model;

import java.util.Optional;
import org.nsvpn.chainrules.id.DeviceId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.id.PortId;

/**
 * A port of a router or a bridge. An <em>interior</em> port is linked to a peer port of another
 * device; an <em>exterior</em> port is not, and may be bound to an interface of a host. A port is
 * never both linked and bound.
 */
public sealed interface Port extends Identified permits RouterPort, BridgePort {

  @Override
  PortId id();

  /** The router or bridge that owns the port. */
  DeviceId device();

  boolean adminStateUp();

  /** The linked port of another device, for interior ports. */
  Optional<PortId> peer();

  /** Where the port meets the physical world, for bound exterior ports. */
  Optional<HostBinding> binding();

  default boolean isInterior() {
    return peer().isPresent();
  }

  default boolean isExterior() {
    return peer().isEmpty();
  }
}
