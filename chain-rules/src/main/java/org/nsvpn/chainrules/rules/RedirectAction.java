package org.nsvpn.chainrules.rules;

import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.PortId;

/**
 * The redirect of an l2-transform rule: hand the frame, unchanged at L2, to {@code targetPort}.
 *
 * @param targetPort the port the frame goes to
 * @param ingress false: the frame leaves the network out of the target port (the namespace case);
 *     true: the frame is processed as if it had arrived on the target port
 * @param failOpen when the target port is down: true lets the frame continue as if the rule had not
 *     matched, false drops it (the fail-closed default)
 */
public record RedirectAction(PortId targetPort, boolean ingress, boolean failOpen) {
  public RedirectAction {
    Require.nonNull("target-port", targetPort);
  }

  /** Egress redirect to {@code port}, failing closed. */
  public static RedirectAction to(PortId port) {
    return new RedirectAction(port, false, false);
  }
}
