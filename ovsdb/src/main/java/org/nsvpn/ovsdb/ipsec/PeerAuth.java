package org.nsvpn.ovsdb.ipsec;

/** How the peer is authenticated: pre-shared key or certificate. */
public enum PeerAuth implements SchemaEnum {
  PSK("psk"),
  CERT("cert");

  private final String text;

  PeerAuth(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }

  /** Parses the schema's spelling; the error names {@code field} and lists the allowed values. */
  public static PeerAuth parse(String field, String text) {
    return SchemaEnum.parse(PeerAuth.class, field, text);
  }
}
