package org.nsvpn.chainrules.rules;

import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.RuleId;

/**
 * An l2-transform rule with action redirect: matching frames are redirected, unchanged, to a port.
 * This is how ESP and IKE addressed to a router's public IP reach the IPsec namespace.
 */
public record L2TransformRule(RuleId id, Condition condition, RedirectAction redirect)
    implements Rule {
  public L2TransformRule {
    Require.nonNull("rule id", id);
    Require.nonNull("condition", condition);
    Require.nonNull("redirect", redirect);
  }

  @Override
  public String toString() {
    return "rule "
        + id
        + " type l2-transform "
        + condition
        + " action redirect target-port "
        + redirect.targetPort()
        + (redirect.ingress() ? " ingress" : "")
        + (redirect.failOpen() ? " fail-open" : "");
  }
}
