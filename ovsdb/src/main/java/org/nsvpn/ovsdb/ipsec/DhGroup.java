package org.nsvpn.ovsdb.ipsec;

/** Diffie-Hellman group of the IKE exchange: MODP 1024 (group 2) or MODP 2048 (group 14). */
public enum DhGroup implements SchemaEnum {
  MODP1024("diffie2"),
  MODP2048("diffie14");

  private final String text;

  DhGroup(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }

  /** Parses the schema's spelling; the error names {@code field} and lists the allowed values. */
  public static DhGroup parse(String field, String text) {
    return SchemaEnum.parse(DhGroup.class, field, text);
  }
}
