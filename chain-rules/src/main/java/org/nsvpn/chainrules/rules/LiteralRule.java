package org.nsvpn.chainrules.rules;

import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.RuleId;

/** A rule whose action is one of the {@link LiteralAction}s. */
public record LiteralRule(RuleId id, Condition condition, LiteralAction action) implements Rule {
  public LiteralRule {
    Require.nonNull("rule id", id);
    Require.nonNull("condition", condition);
    Require.nonNull("action", action);
  }

  @Override
  public String toString() {
    return "rule " + id + " type literal " + condition + " action " + action.text();
  }
}
