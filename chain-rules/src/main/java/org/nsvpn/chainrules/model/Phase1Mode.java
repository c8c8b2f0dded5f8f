package org.nsvpn.chainrules.model;

import org.nsvpn.chainrules.TextEnum;

/** IKEv1 phase-1 exchange mode (ignored for IKEv2). */
public enum Phase1Mode implements TextEnum {
  MAIN("main"),
  /** Faster but exposes the identity hash; supported because Neutron VPNaaS offers it. */
  AGGRESSIVE("aggressive");

  private final String text;

  Phase1Mode(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }

  /** Parses the canonical text; the error names {@code field} and lists the allowed values. */
  public static Phase1Mode parse(String field, String text) {
    return TextEnum.parse(Phase1Mode.class, field, text);
  }
}
