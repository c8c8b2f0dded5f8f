package org.nsvpn.ovsdb.ipsec;

/** Direction of a security policy, as XFRM has them. */
public enum SpDirection implements SchemaEnum {
  IN("in"),
  OUT("out"),
  FWD("fwd");

  private final String text;

  SpDirection(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }

  /** Parses the schema's spelling; the error names {@code field} and lists the allowed values. */
  public static SpDirection parse(String field, String text) {
    return SchemaEnum.parse(SpDirection.class, field, text);
  }
}
