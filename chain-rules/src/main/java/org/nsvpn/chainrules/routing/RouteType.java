package org.nsvpn.chainrules.routing;

import org.nsvpn.chainrules.TextEnum;

/** What a router does with a packet that matches a route. */
public enum RouteType implements TextEnum {
  /** Forward out of the next-hop port, to the gateway if one is set, else to the destination. */
  NORMAL("normal"),
  /** Drop silently. */
  BLACKHOLE("blackhole"),
  /** Drop and answer ICMP destination unreachable. */
  REJECT("reject"),
  /** The destination is the router itself (an address of the next-hop port). */
  LOCAL("local");

  private final String text;

  RouteType(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }

  public static RouteType parse(String field, String text) {
    return TextEnum.parse(RouteType.class, field, text);
  }
}
