package org.nsvpn.ovsdb.ipsec;

/** What a security policy does with matching packets (XFRM_POLICY_ALLOW / XFRM_POLICY_BLOCK). */
public enum SpAction implements SchemaEnum {
  ALLOW("allow"),
  BLOCK("block");

  private final String text;

  SpAction(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }

  /** Parses the spelling; the error names {@code field} and lists the allowed values. */
  public static SpAction parse(String field, String text) {
    return SchemaEnum.parse(SpAction.class, field, text);
  }
}
