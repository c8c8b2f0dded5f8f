package org.nsvpn.chainrules.model;

import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.Identified;

/** A physical host that runs an agent and to whose interfaces exterior ports are bound. */
public record Host(HostId id, String name) implements Identified {
  public Host {
    Require.nonNull("host id", id);
    Require.name("host name", name);
  }
}
