package org.nsvpn.chainrules.model;

import org.nsvpn.chainrules.TextEnum;

/** The IPsec protocol protecting traffic. */
public enum TransformProtocol implements TextEnum {
  ESP("esp"),
  AH("ah"),
  /** AH and ESP together. */
  AH_ESP("ah-esp");

  private final String text;

  TransformProtocol(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }

  /** Parses the canonical text; the error names {@code field} and lists the allowed values. */
  public static TransformProtocol parse(String field, String text) {
    return TextEnum.parse(TransformProtocol.class, field, text);
  }
}
