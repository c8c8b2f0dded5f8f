package org.nsvpn.ovsdb.ipsec;

/** IPsec protocol: AH (integrity only) or ESP (encryption and integrity). */
public enum IpsecProtocol implements SchemaEnum {
  AH("AH"),
  ESP("ESP");

  private final String text;

  IpsecProtocol(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }

  /** Parses the schema's spelling; the error names {@code field} and lists the allowed values. */
  public static IpsecProtocol parse(String field, String text) {
    return SchemaEnum.parse(IpsecProtocol.class, field, text);
  }
}
