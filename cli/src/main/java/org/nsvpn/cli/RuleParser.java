package org.nsvpn.cli;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RuleId;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.rules.Condition;
import org.nsvpn.chainrules.rules.FragmentPolicy;
import org.nsvpn.chainrules.rules.JumpRule;
import org.nsvpn.chainrules.rules.L2TransformRule;
import org.nsvpn.chainrules.rules.LiteralAction;
import org.nsvpn.chainrules.rules.LiteralRule;
import org.nsvpn.chainrules.rules.Match;
import org.nsvpn.chainrules.rules.RedirectAction;
import org.nsvpn.chainrules.rules.Rule;

/**
 * Builds a rule from {@code rule add} fields: {@code type} (accept, drop, reject, return, continue,
 * jump, l2-transform), the match fields (each invertible with {@code !}; subnets may be bare
 * addresses for /32 or /128, port ranges {@code N:M} or {@code N-M}), and the type's action fields
 * ({@code jump-to}; {@code action redirect target-port P [ingress] [fail-open]}).
 */
final class RuleParser {
  static final List<String> FIELDS =
      List.of(
          "type",
          "action",
          "jump-to",
          "target-port",
          "ingress",
          "fail-open",
          "pos",
          "in-ports",
          "out-ports",
          "ethertype",
          "src-mac",
          "dst-mac",
          "src",
          "dst",
          "proto",
          "src-port",
          "dst-port",
          "fragment-policy",
          "invert");
  static final Set<String> INVERTIBLE =
      Set.of(
          "in-ports",
          "out-ports",
          "ethertype",
          "src-mac",
          "dst-mac",
          "src",
          "dst",
          "proto",
          "src-port",
          "dst-port");

  private final Refs refs;

  RuleParser(Refs refs) {
    this.refs = refs;
  }

  Rule parse(Args a) {
    String type = a.required("type");
    Condition condition = condition(a);
    RuleId id = RuleId.random();
    return switch (type) {
      case "accept", "drop", "reject", "return", "continue", "literal" -> {
        only(a, type, "jump-to", "target-port", "ingress", "fail-open");
        String actionText = type.equals("literal") ? a.required("action") : type;
        if (!type.equals("literal") && a.has("action") && !a.required("action").equals(type)) {
          throw Values.invalid(
              "action", a.required("action"), "a " + type + " rule's action is " + type);
        }
        yield new LiteralRule(id, condition, LiteralAction.parse("action", actionText));
      }
      case "jump" -> {
        only(a, type, "action", "target-port", "ingress", "fail-open");
        yield new JumpRule(id, condition, refs.chain("jump-to", a.required("jump-to")));
      }
      case "l2-transform" -> {
        only(a, type, "jump-to");
        String action = a.text("action").orElse("redirect");
        if (!action.equals("redirect")) {
          throw Values.invalid("action", action, "l2-transform rules redirect (action redirect)");
        }
        yield new L2TransformRule(
            id,
            condition,
            new RedirectAction(
                refs.port("target-port", a.required("target-port")),
                a.text("ingress").map(t -> Values.bool("ingress", t)).orElse(false),
                a.text("fail-open").map(t -> Values.bool("fail-open", t)).orElse(false)));
      }
      default ->
          throw Values.invalid(
              "type",
              type,
              "must be one of accept, drop, reject, return, continue, jump, l2-transform");
    };
  }

  private static void only(Args a, String type, String... notAllowed) {
    for (String field : notAllowed) {
      if (a.has(field)) {
        throw new CliException(field + ": not a field of a " + type + " rule");
      }
    }
  }

  private Condition condition(Args a) {
    Condition.Builder b = Condition.builder();
    a.get("in-ports").ifPresent(v -> b.inPorts(match(v, ports("in-ports", v.text()))));
    a.get("out-ports").ifPresent(v -> b.outPorts(match(v, ports("out-ports", v.text()))));
    a.get("ethertype")
        .ifPresent(v -> b.etherType(match(v, Values.etherType("ethertype", v.text()))));
    a.get("src-mac")
        .ifPresent(v -> b.ethSrc(match(v, Args.parse("src-mac", v.text(), MacAddress::parse))));
    a.get("dst-mac")
        .ifPresent(v -> b.ethDst(match(v, Args.parse("dst-mac", v.text(), MacAddress::parse))));
    a.get("src").ifPresent(v -> b.nwSrc(match(v, Values.subnet("src", v.text()))));
    a.get("dst").ifPresent(v -> b.nwDst(match(v, Values.subnet("dst", v.text()))));
    a.get("proto").ifPresent(v -> b.nwProto(match(v, Values.protocol("proto", v.text()))));
    a.get("src-port").ifPresent(v -> b.tpSrc(match(v, Values.portRange("src-port", v.text()))));
    a.get("dst-port").ifPresent(v -> b.tpDst(match(v, Values.portRange("dst-port", v.text()))));
    a.text("fragment-policy")
        .ifPresent(t -> b.fragmentPolicy(FragmentPolicy.parse("fragment-policy", t)));
    a.text("invert").ifPresent(t -> b.inverted(Values.bool("invert", t)));
    return b.build();
  }

  private Set<PortId> ports(String field, String text) {
    return new HashSet<>(Values.list(field, text, t -> refs.port(field, t)));
  }

  private static <T> Match<T> match(Args.Value v, T value) {
    return v.inverted() ? Match.not(value) : Match.is(value);
  }
}
