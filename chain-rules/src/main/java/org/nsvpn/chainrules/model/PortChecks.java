package org.nsvpn.chainrules.model;

import java.util.Optional;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.PortId;

/** Invariants shared by both kinds of port. */
final class PortChecks {
  private PortChecks() {}

  static void check(PortId id, Optional<PortId> peer, Optional<HostBinding> binding) {
    Require.nonNull("port id", id);
    Require.nonNull("peer", peer);
    Require.nonNull("binding", binding);
    if (peer.isPresent() && binding.isPresent()) {
      throw new InvalidValueException(
          "binding",
          binding.get().interfaceName(),
          "port " + id + " is linked to a peer; only exterior ports can be bound");
    }
    if (peer.isPresent() && peer.get().equals(id)) {
      throw new InvalidValueException("peer", peer.get(), "a port cannot be linked to itself");
    }
  }
}
