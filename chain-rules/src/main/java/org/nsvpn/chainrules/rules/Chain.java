package org.nsvpn.chainrules.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.id.RuleId;

/**
 * An ordered list of rules. Rule ids are unique within the chain, and a chain never jumps to itself
 * (longer jump cycles are caught by {@link ChainEvaluator}, which sees all chains).
 */
public record Chain(ChainId id, String name, List<Rule> rules) implements Identified {
  public Chain {
    Require.nonNull("chain id", id);
    Require.name("chain name", name);
    rules = List.copyOf(Require.noNulls("rules", rules));
    Set<RuleId> seen = new HashSet<>();
    for (Rule rule : rules) {
      if (!seen.add(rule.id())) {
        throw new InvalidValueException("rules", rule.id(), "duplicate rule id in chain " + name);
      }
      if (rule instanceof JumpRule jump && jump.target().equals(id)) {
        throw new InvalidValueException("jump-to", id, "chain " + name + " jumps to itself");
      }
    }
  }

  /** An empty chain. */
  public static Chain empty(ChainId id, String name) {
    return new Chain(id, name, List.of());
  }

  public Optional<Rule> rule(RuleId ruleId) {
    return rules.stream().filter(r -> r.id().equals(ruleId)).findFirst();
  }

  /** This chain with {@code rule} appended. */
  public Chain withRule(Rule rule) {
    return withRule(rules.size(), rule);
  }

  /** This chain with {@code rule} inserted at {@code position} (0 = first). */
  public Chain withRule(int position, Rule rule) {
    Require.inRange("position", position, 0, rules.size());
    List<Rule> copy = new ArrayList<>(rules);
    copy.add(position, rule);
    return new Chain(id, name, copy);
  }

  /** This chain without the rule {@code ruleId}; the same chain if it has no such rule. */
  public Chain withoutRule(RuleId ruleId) {
    List<Rule> copy = new ArrayList<>(rules);
    return copy.removeIf(r -> r.id().equals(ruleId)) ? new Chain(id, name, copy) : this;
  }

  /** This chain with its rules replaced. */
  public Chain withRules(List<Rule> newRules) {
    return new Chain(id, name, newRules);
  }
}
