package org.nsvpn.chainrules.rules;

import org.nsvpn.chainrules.TextEnum;

/**
 * Which packets a condition accepts with respect to fragmentation (MidoNet semantics). Conditions
 * that match L4 ports must use {@link #HEADER} or {@link #UNFRAGMENTED}: later fragments have no
 * ports to match.
 */
public enum FragmentPolicy implements TextEnum {
  /** All packets. */
  ANY("any"),
  /** Only later fragments (those without an L4 header). */
  NONHEADER("nonheader"),
  /** Unfragmented packets and first fragments: everything that carries an L4 header. */
  HEADER("header"),
  /** Only unfragmented packets. */
  UNFRAGMENTED("unfragmented");

  private final String text;

  FragmentPolicy(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }

  public boolean accepts(FragmentType type) {
    return switch (this) {
      case ANY -> true;
      case NONHEADER -> type == FragmentType.LATER;
      case HEADER -> type != FragmentType.LATER;
      case UNFRAGMENTED -> type == FragmentType.UNFRAGMENTED;
    };
  }

  public static FragmentPolicy parse(String field, String text) {
    return TextEnum.parse(FragmentPolicy.class, field, text);
  }
}
