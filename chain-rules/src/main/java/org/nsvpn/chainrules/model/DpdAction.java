package org.nsvpn.chainrules.model;

import org.nsvpn.chainrules.TextEnum;

/** What to do when dead peer detection declares the peer dead (Neutron VPNaaS values). */
public enum DpdAction implements TextEnum {
  HOLD("hold"),
  CLEAR("clear"),
  RESTART("restart"),
  /** No dead peer detection at all. */
  DISABLED("disabled"),
  RESTART_BY_PEER("restart-by-peer");

  private final String text;

  DpdAction(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }

  /** Parses the canonical text; the error names {@code field} and lists the allowed values. */
  public static DpdAction parse(String field, String text) {
    return TextEnum.parse(DpdAction.class, field, text);
  }
}
