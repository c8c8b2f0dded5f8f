package org.nsvpn.chainrules.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RuleId;
import org.nsvpn.chainrules.net.IpSubnet;

class ChainEvaluatorTest {
  private static final Condition UDP = Condition.builder().nwProto(17).build();
  private static final Condition TCP = Condition.builder().nwProto(6).build();
  private static final TestPacket PACKET = TestPacket.udp();

  private static LiteralRule literal(Condition c, LiteralAction a) {
    return new LiteralRule(RuleId.random(), c, a);
  }

  private static Chain chain(String name, Rule... rules) {
    return new Chain(ChainId.random(), name, List.of(rules));
  }

  @Test
  void firstMatchingTerminalRuleDecides() {
    LiteralRule skipped = literal(TCP, LiteralAction.DROP);
    LiteralRule accept = literal(UDP, LiteralAction.ACCEPT);
    LiteralRule later = literal(Condition.ANY, LiteralAction.DROP);
    Chain c = chain("c", skipped, accept, later);
    assertThat(ChainEvaluator.of(List.of(c)).evaluate(c.id(), PACKET))
        .isEqualTo(new Verdict.Accept(accept.id()));
  }

  @Test
  void eachTerminalActionYieldsItsVerdict() {
    for (LiteralAction action :
        List.of(LiteralAction.ACCEPT, LiteralAction.DROP, LiteralAction.REJECT)) {
      LiteralRule r = literal(Condition.ANY, action);
      Chain c = chain("c", r);
      Verdict v = ChainEvaluator.of(List.of(c)).evaluate(c.id(), PACKET);
      Verdict expected =
          switch (action) {
            case ACCEPT -> new Verdict.Accept(r.id());
            case DROP -> new Verdict.Drop(r.id());
            default -> new Verdict.Reject(r.id());
          };
      assertThat(v).isEqualTo(expected);
    }
    PortId target = PortId.random();
    L2TransformRule redirect = new L2TransformRule(RuleId.random(), UDP, RedirectAction.to(target));
    Chain c = chain("c", redirect);
    assertThat(ChainEvaluator.of(List.of(c)).evaluate(c.id(), PACKET))
        .isEqualTo(new Verdict.Redirect(redirect.id(), new RedirectAction(target, false, false)));
  }

  @Test
  void noMatchingRuleOrAnEmptyChainContinues() {
    Chain c = chain("c", literal(TCP, LiteralAction.DROP));
    Chain empty = chain("empty");
    ChainEvaluator e = ChainEvaluator.of(List.of(c, empty));
    assertThat(e.evaluate(c.id(), PACKET)).isSameAs(Verdict.CONTINUE);
    assertThat(e.evaluate(empty.id(), PACKET)).isSameAs(Verdict.CONTINUE);
    assertThat(e.evaluate(Optional.empty(), PACKET)).isSameAs(Verdict.CONTINUE);
  }

  @Test
  void continueActionGoesOnToTheNextRule() {
    LiteralRule drop = literal(Condition.ANY, LiteralAction.DROP);
    Chain c = chain("c", literal(UDP, LiteralAction.CONTINUE), drop);
    assertThat(ChainEvaluator.of(List.of(c)).evaluate(c.id(), PACKET))
        .isEqualTo(new Verdict.Drop(drop.id()));
  }

  @Test
  void returnAtTopLevelEndsWithoutVerdict() {
    Chain c =
        chain("c", literal(UDP, LiteralAction.RETURN), literal(Condition.ANY, LiteralAction.DROP));
    assertThat(ChainEvaluator.of(List.of(c)).evaluate(c.id(), PACKET)).isSameAs(Verdict.CONTINUE);
  }

  @Test
  void jumpReturnsResumeAfterTheJumpAndVerdictsPropagate() {
    LiteralRule innerAccept = literal(TCP, LiteralAction.ACCEPT);
    Chain inner = chain("inner", literal(UDP, LiteralAction.RETURN), innerAccept);
    LiteralRule outerDrop = literal(Condition.ANY, LiteralAction.DROP);
    Chain outer =
        chain("outer", new JumpRule(RuleId.random(), Condition.ANY, inner.id()), outerDrop);
    ChainEvaluator e = ChainEvaluator.of(List.of(outer, inner));

    assertThat(e.evaluate(outer.id(), PACKET))
        .as("udp returns from inner")
        .isEqualTo(new Verdict.Drop(outerDrop.id()));
    assertThat(e.evaluate(outer.id(), PACKET.withNwProto(6)))
        .as("tcp accepted in inner")
        .isEqualTo(new Verdict.Accept(innerAccept.id()));
    assertThat(e.evaluate(outer.id(), PACKET.withNwProto(1)))
        .as("inner runs out")
        .isEqualTo(new Verdict.Drop(outerDrop.id()));
  }

  @Test
  void jumpOnlyWhenItsConditionMatches() {
    LiteralRule innerDrop = literal(Condition.ANY, LiteralAction.DROP);
    Chain inner = chain("inner", innerDrop);
    Chain outer = chain("outer", new JumpRule(RuleId.random(), TCP, inner.id()));
    ChainEvaluator e = ChainEvaluator.of(List.of(outer, inner));
    assertThat(e.evaluate(outer.id(), PACKET)).isSameAs(Verdict.CONTINUE);
    assertThat(e.evaluate(outer.id(), PACKET.withNwProto(6)))
        .isEqualTo(new Verdict.Drop(innerDrop.id()));
  }

  @Test
  void returnInNestedChainOnlyLeavesThatChain() {
    Chain c3 = chain("c3", literal(Condition.ANY, LiteralAction.RETURN));
    LiteralRule c2Accept = literal(Condition.ANY, LiteralAction.ACCEPT);
    Chain c2 = chain("c2", new JumpRule(RuleId.random(), Condition.ANY, c3.id()), c2Accept);
    Chain c1 =
        chain(
            "c1",
            new JumpRule(RuleId.random(), Condition.ANY, c2.id()),
            literal(Condition.ANY, LiteralAction.DROP));
    assertThat(ChainEvaluator.of(List.of(c1, c2, c3)).evaluate(c1.id(), PACKET))
        .isEqualTo(new Verdict.Accept(c2Accept.id()));
  }

  @Test
  void detectsJumpCyclesNamingTheChains() {
    ChainId aId = ChainId.random();
    ChainId bId = ChainId.random();
    ChainId cId = ChainId.random();
    Chain a = new Chain(aId, "a", List.of(new JumpRule(RuleId.random(), Condition.ANY, bId)));
    Chain b = new Chain(bId, "b", List.of(new JumpRule(RuleId.random(), TCP, cId)));
    Chain c = new Chain(cId, "c", List.of(new JumpRule(RuleId.random(), UDP, aId)));
    assertThatThrownBy(() -> ChainEvaluator.of(List.of(a, b, c)))
        .isInstanceOf(ChainGraphException.class)
        .hasMessageStartingWith("jump cycle: chain ")
        .hasMessageContaining("chain a (")
        .hasMessageContaining("chain b (")
        .hasMessageContaining("chain c (")
        .satisfies(e -> assertThat(e.getMessage().split(" -> ")).hasSize(4));
  }

  @Test
  void refusesSelfJumpAtChainConstruction() {
    ChainId id = ChainId.random();
    assertThatThrownBy(
            () -> new Chain(id, "loop", List.of(new JumpRule(RuleId.random(), Condition.ANY, id))))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("jumps to itself");
  }

  @Test
  void refusesJumpToMissingChain() {
    ChainId missing = ChainId.random();
    Chain a = chain("a", new JumpRule(RuleId.random(), Condition.ANY, missing));
    assertThatThrownBy(() -> ChainEvaluator.of(List.of(a)))
        .isInstanceOf(ChainGraphException.class)
        .hasMessageContaining("jumps to chain " + missing + ", which does not exist");
  }

  @Test
  void enforcesTheJumpDepthLimit() {
    assertThat(ChainEvaluator.of(jumpLadder(ChainEvaluator.MAX_JUMP_DEPTH))).isNotNull();
    assertThatThrownBy(() -> ChainEvaluator.of(jumpLadder(ChainEvaluator.MAX_JUMP_DEPTH + 1)))
        .isInstanceOf(ChainGraphException.class)
        .hasMessageContaining("nest 33 deep; the limit is 32");
  }

  @Test
  void deepestAllowedLadderEvaluatesToTheBottom() {
    List<Chain> ladder = jumpLadder(ChainEvaluator.MAX_JUMP_DEPTH);
    Verdict v = ChainEvaluator.of(ladder).evaluate(ladder.get(0).id(), PACKET);
    assertThat(v).isInstanceOf(Verdict.Drop.class);
    assertThat(((Verdict.Drop) v).rule())
        .isEqualTo(ladder.get(ladder.size() - 1).rules().get(0).id());
  }

  /** Chains c0 -> c1 -> ... -> c(depth-1), the last one dropping everything. */
  private static List<Chain> jumpLadder(int depth) {
    List<Chain> chains = new ArrayList<>();
    Chain next = chain("c" + (depth - 1), literal(Condition.ANY, LiteralAction.DROP));
    chains.add(next);
    for (int i = depth - 2; i >= 0; i--) {
      next = chain("c" + i, new JumpRule(RuleId.random(), Condition.ANY, next.id()));
      chains.add(0, next);
    }
    return chains;
  }

  @Test
  void refusesDuplicateChainsAndUnknownChainIds() {
    Chain a = chain("a");
    assertThatThrownBy(() -> ChainEvaluator.of(List.of(a, a))).hasMessageContaining("given twice");
    assertThatThrownBy(() -> ChainEvaluator.of(List.of(a)).evaluate(ChainId.random(), PACKET))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown chain");
  }

  @Test
  void chainEditingKeepsOrderAndRefusesDuplicateRules() {
    LiteralRule r1 = literal(UDP, LiteralAction.ACCEPT);
    LiteralRule r2 = literal(TCP, LiteralAction.DROP);
    LiteralRule r0 = literal(Condition.ANY, LiteralAction.CONTINUE);
    Chain c = chain("c", r1).withRule(r2).withRule(0, r0);
    assertThat(c.rules()).containsExactly(r0, r1, r2);
    assertThat(c.withoutRule(r1.id()).rules()).containsExactly(r0, r2);
    assertThat(c.withoutRule(RuleId.random())).isSameAs(c);
    assertThat(c.rule(r2.id())).contains(r2);
    assertThatThrownBy(() -> c.withRule(r1)).hasMessageContaining("duplicate rule id");
    assertThatThrownBy(() -> c.withRule(9, literal(UDP, LiteralAction.DROP)))
        .hasMessageStartingWith("position:");
    assertThatThrownBy(() -> chain("bad name!")).hasMessageStartingWith("chain name:");
  }

  @Test
  void describesRulesInMidonetCliTerms() {
    PortId target = PortId.random();
    L2TransformRule r =
        new L2TransformRule(
            RuleId.random(),
            Condition.builder().nwDst(IpSubnet.parse("201.201.201.1/32")).nwProto(50).build(),
            RedirectAction.to(target));
    assertThat(r.toString())
        .endsWith(
            "type l2-transform dst 201.201.201.1/32 proto 50 action redirect target-port "
                + target);
  }

  @Test
  void unavailableFailOpenRedirectIsPassedOverButFailClosedIsReturned() {
    PortId down = PortId.random();
    L2TransformRule failOpen =
        new L2TransformRule(RuleId.random(), UDP, new RedirectAction(down, false, true));
    L2TransformRule failClosed = new L2TransformRule(RuleId.random(), UDP, RedirectAction.to(down));
    LiteralRule accept = literal(Condition.ANY, LiteralAction.ACCEPT);
    Chain open = chain("open", failOpen, accept);
    Chain closed = chain("closed", failClosed, accept);
    Chain jumping = chain("jumping", new JumpRule(RuleId.random(), Condition.ANY, open.id()));
    ChainEvaluator e = ChainEvaluator.of(List.of(open, closed, jumping));
    List<RedirectAction> asked = new ArrayList<>();
    java.util.function.Predicate<RedirectAction> nothingAvailable =
        action -> {
          asked.add(action);
          return false;
        };

    assertThat(e.evaluate(open.id(), PACKET, nothingAvailable))
        .isEqualTo(new Verdict.Accept(accept.id()));
    assertThat(e.evaluate(jumping.id(), PACKET, nothingAvailable))
        .isEqualTo(new Verdict.Accept(accept.id()));
    assertThat(e.evaluate(closed.id(), PACKET, nothingAvailable))
        .isEqualTo(new Verdict.Redirect(failClosed.id(), failClosed.redirect()));
    assertThat(asked).containsExactly(failOpen.redirect(), failOpen.redirect());
    assertThat(e.evaluate(open.id(), PACKET, action -> true))
        .isEqualTo(new Verdict.Redirect(failOpen.id(), failOpen.redirect()));
    assertThat(e.evaluate(open.id(), PACKET))
        .isEqualTo(new Verdict.Redirect(failOpen.id(), failOpen.redirect()));
  }
}
