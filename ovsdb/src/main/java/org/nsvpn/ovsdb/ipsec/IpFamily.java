package org.nsvpn.ovsdb.ipsec;

/** Address family, as the schema spells it. */
public enum IpFamily implements SchemaEnum {
  IPV4("IPv4"),
  IPV6("IPv6");

  private final String text;

  IpFamily(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }

  /** Parses the schema's spelling; the error names {@code field} and lists the allowed values. */
  public static IpFamily parse(String field, String text) {
    return SchemaEnum.parse(IpFamily.class, field, text);
  }
}
