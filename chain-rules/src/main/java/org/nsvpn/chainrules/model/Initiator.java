package org.nsvpn.chainrules.model;

import org.nsvpn.chainrules.TextEnum;

/** Whether this side starts IKE negotiations. */
public enum Initiator implements TextEnum {
  /** Initiate and respond. */
  BI_DIRECTIONAL("bi-directional"),
  /** Only answer the peer; never initiate. */
  RESPONSE_ONLY("response-only");

  private final String text;

  Initiator(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }

  /** Parses the canonical text; the error names {@code field} and lists the allowed values. */
  public static Initiator parse(String field, String text) {
    return TextEnum.parse(Initiator.class, field, text);
  }
}
