package org.nsvpn.chainrules.rules;

import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.id.RuleId;

/** A rule of a chain: a condition and what to do when a packet matches it. */
public sealed interface Rule extends Identified permits LiteralRule, JumpRule, L2TransformRule {

  @Override
  RuleId id();

  Condition condition();
}
