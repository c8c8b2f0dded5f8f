package org.nsvpn.namespacemanager.rtnl;

import java.util.Optional;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.MacAddress;

/**
 * A neighbour (ARP or NDP) cache entry ({@code RTM_NEWNEIGH} reply).
 *
 * @param index the interface ({@code ndm_ifindex})
 * @param address {@code NDA_DST}
 * @param mac {@code NDA_LLADDR}; empty for incomplete entries
 * @param state {@code ndm_state} ({@code NUD_*})
 */
public record NeighbourEntry(int index, IpAddress address, Optional<MacAddress> mac, int state) {

  /** A static entry that never expires or gets probed. */
  public boolean isPermanent() {
    return (state & Rtnl.NUD_PERMANENT) != 0;
  }
}
