package org.nsvpn.chainrules.model;

import org.nsvpn.chainrules.TextEnum;

/** IPsec encapsulation mode. */
public enum EncapsulationMode implements TextEnum {
  TUNNEL("tunnel"),
  TRANSPORT("transport");

  private final String text;

  EncapsulationMode(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }

  /** Parses the canonical text; the error names {@code field} and lists the allowed values. */
  public static EncapsulationMode parse(String field, String text) {
    return TextEnum.parse(EncapsulationMode.class, field, text);
  }
}
