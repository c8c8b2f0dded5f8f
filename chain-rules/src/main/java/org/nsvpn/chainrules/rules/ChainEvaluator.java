package org.nsvpn.chainrules.rules;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.nsvpn.chainrules.id.ChainId;

/**
 * Evaluates packets against a fixed set of chains. Construction validates the jump graph once —
 * every jump target exists, there is no cycle, nesting is at most {@link #MAX_JUMP_DEPTH} — so that
 * evaluation itself cannot fail and needs no per-packet bookkeeping. Immutable and safe to share
 * between threads.
 *
 * <p>Semantics: rules run in order; the first matching rule with a terminal action (accept, drop,
 * reject, redirect) decides. {@code continue} goes on with the next rule. {@code return} leaves the
 * current chain. A jump evaluates its target: a terminal verdict there is final, otherwise
 * evaluation resumes after the jump. A chain that ends without a verdict yields {@link
 * Verdict#CONTINUE}.
 */
public final class ChainEvaluator {

  /** The deepest allowed nesting of jumps (a chain with no jumps has depth 1). */
  public static final int MAX_JUMP_DEPTH = 32;

  private static final ChainEvaluator EMPTY = new ChainEvaluator(List.of());

  private static final Predicate<RedirectAction> ALWAYS_AVAILABLE = action -> true;

  private final Map<ChainId, Compiled> compiled;

  private ChainEvaluator(Collection<Chain> chains) {
    Map<ChainId, Chain> byId = new HashMap<>();
    for (Chain chain : chains) {
      if (byId.put(chain.id(), chain) != null) {
        throw new ChainGraphException("chain " + chain.id() + " is given twice");
      }
    }
    validate(byId);
    Map<ChainId, Compiled> out = new HashMap<>();
    for (Chain chain : byId.values()) {
      out.put(chain.id(), new Compiled(chain.rules().size()));
    }
    for (Chain chain : byId.values()) {
      Compiled c = out.get(chain.id());
      for (int i = 0; i < chain.rules().size(); i++) {
        c.steps[i] = Step.of(chain.rules().get(i), out);
      }
    }
    this.compiled = Map.copyOf(out);
  }

  /**
   * Validates and compiles {@code chains}.
   *
   * @throws ChainGraphException when a jump target is missing, jumps form a cycle or nest too deep
   */
  public static ChainEvaluator of(Collection<Chain> chains) {
    return chains.isEmpty() ? EMPTY : new ChainEvaluator(chains);
  }

  public boolean hasChain(ChainId id) {
    return compiled.containsKey(id);
  }

  /**
   * Runs {@code packet} through chain {@code chainId}.
   *
   * @throws IllegalArgumentException if the chain is not one of those this evaluator was built from
   */
  public Verdict evaluate(ChainId chainId, PacketFields packet) {
    return evaluate(chainId, packet, ALWAYS_AVAILABLE);
  }

  /**
   * Runs {@code packet} through chain {@code chainId}, honouring fail-open redirects: a matching
   * l2-transform rule whose {@linkplain RedirectAction#failOpen() fail-open} action targets a port
   * that {@code available} rejects is passed over as if it had not matched, and evaluation goes on
   * with the next rule. Fail-closed redirects are returned whatever {@code available} says; the
   * caller drops the frame when their target is unavailable.
   *
   * @param available tells whether a redirect's target can take the frame now (the simulator knows
   *     port state; this package does not). Called only for matching fail-open redirects.
   * @throws IllegalArgumentException if the chain is not one of those this evaluator was built from
   */
  public Verdict evaluate(
      ChainId chainId, PacketFields packet, Predicate<RedirectAction> available) {
    Compiled chain = compiled.get(chainId);
    if (chain == null) {
      throw new IllegalArgumentException("unknown chain " + chainId);
    }
    Verdict verdict = run(chain, packet, available);
    return verdict == null ? Verdict.CONTINUE : verdict;
  }

  /**
   * Convenience for an optional chain reference: an absent chain yields {@link Verdict#CONTINUE}.
   */
  public Verdict evaluate(Optional<ChainId> chainId, PacketFields packet) {
    return chainId.isPresent() ? evaluate(chainId.get(), packet) : Verdict.CONTINUE;
  }

  /** Returns a terminal verdict, or null for "no verdict here" (end of chain, return). */
  private static Verdict run(
      Compiled chain, PacketFields packet, Predicate<RedirectAction> available) {
    for (Step step : chain.steps) {
      if (!step.condition.matches(packet)) {
        continue;
      }
      if (step.failOpen != null && !available.test(step.failOpen)) {
        continue;
      }
      if (step.verdict != null) {
        return step.verdict;
      }
      if (step.isReturn) {
        return null;
      }
      if (step.jumpTarget != null) {
        Verdict inner = run(step.jumpTarget, packet, available);
        if (inner != null) {
          return inner;
        }
      }
      // literal continue: go on
    }
    return null;
  }

  private static void validate(Map<ChainId, Chain> chains) {
    Map<ChainId, Integer> depth = new HashMap<>();
    for (ChainId start : chains.keySet()) {
      depthOf(start, chains, depth, new ArrayDeque<>());
    }
  }

  /** Depth of the jump tree below {@code id}; detects cycles via the current path. */
  private static int depthOf(
      ChainId id, Map<ChainId, Chain> chains, Map<ChainId, Integer> known, Deque<ChainId> path) {
    Integer cached = known.get(id);
    if (cached != null) {
      return cached;
    }
    if (path.contains(id)) {
      List<ChainId> cycle = new ArrayList<>();
      boolean inCycle = false;
      for (ChainId onPath : (Iterable<ChainId>) path::descendingIterator) {
        inCycle |= onPath.equals(id);
        if (inCycle) {
          cycle.add(onPath);
        }
      }
      cycle.add(id);
      throw new ChainGraphException(
          "jump cycle: "
              + cycle.stream().map(c -> describe(c, chains)).collect(Collectors.joining(" -> ")));
    }
    path.push(id);
    int deepest = 0;
    for (Rule rule : chains.get(id).rules()) {
      if (rule instanceof JumpRule jump) {
        if (!chains.containsKey(jump.target())) {
          throw new ChainGraphException(
              "rule "
                  + jump.id()
                  + " of "
                  + describe(id, chains)
                  + " jumps to chain "
                  + jump.target()
                  + ", which does not exist");
        }
        deepest = Math.max(deepest, depthOf(jump.target(), chains, known, path));
      }
    }
    path.pop();
    int depth = deepest + 1;
    if (depth > MAX_JUMP_DEPTH) {
      throw new ChainGraphException(
          "jumps from "
              + describe(id, chains)
              + " nest "
              + depth
              + " deep; the limit is "
              + MAX_JUMP_DEPTH);
    }
    known.put(id, depth);
    return depth;
  }

  private static String describe(ChainId id, Map<ChainId, Chain> chains) {
    Chain chain = chains.get(id);
    return chain == null ? "chain " + id : "chain " + chain.name() + " (" + id + ")";
  }

  private static final class Compiled {
    final Step[] steps;

    Compiled(int size) {
      steps = new Step[size];
    }
  }

  /**
   * One rule, pre-resolved: exactly one of verdict, isReturn, jumpTarget applies (or none).
   * failOpen is the redirect of a fail-open l2-transform rule, else null.
   */
  private static final class Step {
    final Condition condition;
    final Verdict verdict;
    final boolean isReturn;
    final Compiled jumpTarget;
    final RedirectAction failOpen;

    private Step(Condition condition, Verdict verdict, boolean isReturn, Compiled jumpTarget) {
      this.condition = condition;
      this.verdict = verdict;
      this.isReturn = isReturn;
      this.jumpTarget = jumpTarget;
      this.failOpen =
          verdict instanceof Verdict.Redirect r && r.action().failOpen() ? r.action() : null;
    }

    static Step of(Rule rule, Map<ChainId, Compiled> chains) {
      if (rule instanceof L2TransformRule l2) {
        return new Step(l2.condition(), new Verdict.Redirect(l2.id(), l2.redirect()), false, null);
      }
      if (rule instanceof JumpRule jump) {
        return new Step(jump.condition(), null, false, chains.get(jump.target()));
      }
      LiteralRule literal = (LiteralRule) rule;
      return switch (literal.action()) {
        case ACCEPT -> new Step(literal.condition(), new Verdict.Accept(literal.id()), false, null);
        case DROP -> new Step(literal.condition(), new Verdict.Drop(literal.id()), false, null);
        case REJECT -> new Step(literal.condition(), new Verdict.Reject(literal.id()), false, null);
        case RETURN -> new Step(literal.condition(), null, true, null);
        case CONTINUE -> new Step(literal.condition(), null, false, null);
      };
    }
  }
}
