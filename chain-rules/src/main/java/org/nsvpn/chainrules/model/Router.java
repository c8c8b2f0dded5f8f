package org.nsvpn.chainrules.model;

import java.util.Optional;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.id.RouterId;

/**
 * A virtual router.
 *
 * @param inboundFilter chain applied to packets entering the router
 * @param outboundFilter chain applied to packets leaving the router
 * @param localRedirectChain chain applied to packets addressed to one of the router's own
 *     addresses; its l2-transform rules send IPsec traffic to the namespace
 */
public record Router(
    RouterId id,
    String name,
    boolean adminStateUp,
    Optional<ChainId> inboundFilter,
    Optional<ChainId> outboundFilter,
    Optional<ChainId> localRedirectChain)
    implements Identified {

  public Router {
    Require.nonNull("router id", id);
    Require.name("router name", name);
    Require.nonNull("inbound-filter", inboundFilter);
    Require.nonNull("outbound-filter", outboundFilter);
    Require.nonNull("local-redirect-chain", localRedirectChain);
  }

  /** An administratively up router without chains. */
  public static Router of(RouterId id, String name) {
    return new Router(id, name, true, Optional.empty(), Optional.empty(), Optional.empty());
  }

  public Router withAdminStateUp(boolean up) {
    return new Router(id, name, up, inboundFilter, outboundFilter, localRedirectChain);
  }

  public Router withInboundFilter(Optional<ChainId> chain) {
    return new Router(id, name, adminStateUp, chain, outboundFilter, localRedirectChain);
  }

  public Router withOutboundFilter(Optional<ChainId> chain) {
    return new Router(id, name, adminStateUp, inboundFilter, chain, localRedirectChain);
  }

  public Router withLocalRedirectChain(Optional<ChainId> chain) {
    return new Router(id, name, adminStateUp, inboundFilter, outboundFilter, chain);
  }
}
