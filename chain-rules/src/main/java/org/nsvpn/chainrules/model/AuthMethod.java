package org.nsvpn.chainrules.model;

import org.nsvpn.chainrules.TextEnum;

/** How the two ends of a site connection authenticate each other. */
public enum AuthMethod implements TextEnum {
  /** A pre-shared key both ends hold. */
  PSK("psk"),
  /**
   * An X.509 certificate and its private key; the peer's certificate is checked against the CAs.
   */
  CERT("cert");

  private final String text;

  AuthMethod(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }

  /** Parses the canonical text; the error names {@code field} and lists the allowed values. */
  public static AuthMethod parse(String field, String text) {
    return TextEnum.parse(AuthMethod.class, field, text);
  }
}
