package org.nsvpn.chainrules.model;

import org.nsvpn.chainrules.TextEnum;

/** IKE protocol version. */
public enum IkeVersion implements TextEnum {
  V1("v1"),
  V2("v2");

  private final String text;

  IkeVersion(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }

  /** Parses the canonical text; the error names {@code field} and lists the allowed values. */
  public static IkeVersion parse(String field, String text) {
    return TextEnum.parse(IkeVersion.class, field, text);
  }
}
