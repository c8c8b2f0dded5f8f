package org.nsvpn.ovsdb.ipsec;

/** IPsec encapsulation mode. */
public enum IpsecMode implements SchemaEnum {
  TUNNEL("tunnel"),
  TRANSPORT("transport");

  private final String text;

  IpsecMode(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }

  /** Parses the schema's spelling; the error names {@code field} and lists the allowed values. */
  public static IpsecMode parse(String field, String text) {
    return SchemaEnum.parse(IpsecMode.class, field, text);
  }
}
