package org.nsvpn.chainrules.rules;

import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.RuleId;

/**
 * A rule that evaluates another chain when it matches. If that chain reaches a verdict, it is the
 * verdict of the jump; if it returns or runs out of rules, evaluation resumes after this rule.
 */
public record JumpRule(RuleId id, Condition condition, ChainId target) implements Rule {
  public JumpRule {
    Require.nonNull("rule id", id);
    Require.nonNull("condition", condition);
    Require.nonNull("jump-to", target);
  }

  @Override
  public String toString() {
    return "rule " + id + " type jump " + condition + " jump-to " + target;
  }
}
