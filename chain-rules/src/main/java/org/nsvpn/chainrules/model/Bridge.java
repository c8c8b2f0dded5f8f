package org.nsvpn.chainrules.model;

import java.util.Optional;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.BridgeId;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.Identified;

/** A virtual L2 switch. */
public record Bridge(
    BridgeId id,
    String name,
    boolean adminStateUp,
    Optional<ChainId> inboundFilter,
    Optional<ChainId> outboundFilter)
    implements Identified {

  public Bridge {
    Require.nonNull("bridge id", id);
    Require.name("bridge name", name);
    Require.nonNull("inbound-filter", inboundFilter);
    Require.nonNull("outbound-filter", outboundFilter);
  }

  /** An administratively up bridge without chains. */
  public static Bridge of(BridgeId id, String name) {
    return new Bridge(id, name, true, Optional.empty(), Optional.empty());
  }

  public Bridge withAdminStateUp(boolean up) {
    return new Bridge(id, name, up, inboundFilter, outboundFilter);
  }

  public Bridge withInboundFilter(Optional<ChainId> chain) {
    return new Bridge(id, name, adminStateUp, chain, outboundFilter);
  }

  public Bridge withOutboundFilter(Optional<ChainId> chain) {
    return new Bridge(id, name, adminStateUp, inboundFilter, chain);
  }
}
