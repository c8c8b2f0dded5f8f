package org.nsvpn.topology;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.model.Bridge;
import org.nsvpn.chainrules.model.GatewayGroup;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.Port;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.routing.Route;
import org.nsvpn.chainrules.rules.Chain;
import org.nsvpn.chainrules.rules.JumpRule;
import org.nsvpn.chainrules.rules.L2TransformRule;
import org.nsvpn.chainrules.rules.Rule;

/**
 * Who refers to whom: the references {@link org.nsvpn.chainrules.model.Topology} checks, found from
 * the referred side, so that a refused deletion can name what still points at the object.
 */
public final class References {
  private References() {}

  /**
   * A reference from {@code from} to another object through {@code field}.
   *
   * @param rule the rule of chain {@code from} that holds the reference, for chain references
   */
  public record Reference(EntityId from, String field, Optional<Rule> rule) {}

  /** Every reference to {@code target} held by one of {@code objects}. */
  public static List<Reference> to(EntityId target, Collection<? extends Identified> objects) {
    List<Reference> out = new ArrayList<>();
    for (Identified o : objects) {
      if (o.id().equals(target)) {
        continue;
      }
      if (o instanceof Router r) {
        add(out, r.id(), "infilter", r.inboundFilter().filter(target::equals).isPresent());
        add(out, r.id(), "outfilter", r.outboundFilter().filter(target::equals).isPresent());
        add(
            out,
            r.id(),
            "local-redirect-chain",
            r.localRedirectChain().filter(target::equals).isPresent());
      } else if (o instanceof Bridge b) {
        add(out, b.id(), "infilter", b.inboundFilter().filter(target::equals).isPresent());
        add(out, b.id(), "outfilter", b.outboundFilter().filter(target::equals).isPresent());
      } else if (o instanceof Port p) {
        add(out, p.id(), "device", p.device().equals(target));
        add(out, p.id(), "peer", p.peer().filter(target::equals).isPresent());
        add(out, p.id(), "binding", p.binding().filter(b -> b.host().equals(target)).isPresent());
      } else if (o instanceof Chain c) {
        for (Rule rule : c.rules()) {
          if (rule instanceof JumpRule j && j.target().equals(target)) {
            out.add(new Reference(c.id(), "jump-to", Optional.of(rule)));
          }
          if (rule instanceof L2TransformRule l2 && l2.redirect().targetPort().equals(target)) {
            out.add(new Reference(c.id(), "target-port", Optional.of(rule)));
          }
        }
      } else if (o instanceof Route r) {
        add(out, r.id(), "router", r.router().equals(target));
        add(out, r.id(), "port", r.nextHopPort().filter(target::equals).isPresent());
      } else if (o instanceof VpnService s) {
        add(out, s.id(), "router", s.router().equals(target));
        add(out, s.id(), "gateway-group", s.gatewayGroup().filter(target::equals).isPresent());
      } else if (o instanceof GatewayGroup g) {
        add(out, g.id(), "member", g.members().contains(target));
      } else if (o instanceof IpsecSiteConnection c) {
        add(out, c.id(), "vpn-service", c.vpnService().equals(target));
      }
    }
    return out;
  }

  private static void add(List<Reference> out, EntityId from, String field, boolean refers) {
    if (refers) {
      out.add(new Reference(from, field, Optional.empty()));
    }
  }
}
