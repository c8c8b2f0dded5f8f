package org.nsvpn.chainrules.rules;

import org.nsvpn.chainrules.id.RuleId;

/** The outcome of evaluating a chain for a packet; terminal verdicts name the deciding rule. */
public sealed interface Verdict {

  /**
   * No rule decided (the chain ran out, or returned at top level): the caller's default applies.
   */
  Continue CONTINUE = new Continue();

  record Accept(RuleId rule) implements Verdict {}

  record Drop(RuleId rule) implements Verdict {}

  record Reject(RuleId rule) implements Verdict {}

  /** An l2-transform rule redirected the frame. */
  record Redirect(RuleId rule, RedirectAction action) implements Verdict {}

  /** See {@link #CONTINUE}. */
  final class Continue implements Verdict {
    private Continue() {}

    @Override
    public String toString() {
      return "Continue";
    }
  }
}
