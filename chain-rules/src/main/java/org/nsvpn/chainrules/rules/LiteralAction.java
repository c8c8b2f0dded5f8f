package org.nsvpn.chainrules.rules;

import org.nsvpn.chainrules.TextEnum;

/** The actions of a literal rule (MidoNet semantics). */
public enum LiteralAction implements TextEnum {
  /** Stop evaluating; the packet passes. */
  ACCEPT("accept"),
  /** Stop evaluating; the packet is silently dropped. */
  DROP("drop"),
  /** Stop evaluating; the packet is dropped and the sender told (ICMP unreachable). */
  REJECT("reject"),
  /** Leave the current chain and resume after the jump that entered it (top level: no verdict). */
  RETURN("return"),
  /** Go on with the next rule, as if this one had not matched. */
  CONTINUE("continue");

  private final String text;

  LiteralAction(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }

  public static LiteralAction parse(String field, String text) {
    return TextEnum.parse(LiteralAction.class, field, text);
  }
}
