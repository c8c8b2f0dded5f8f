package org.nsvpn.ovsdb.ipsec;

/** IKE version to speak; {@code IKEv1/v2} accepts either (initiates with IKEv2). */
public enum IkeVersion implements SchemaEnum {
  ANY("IKEv1/v2"),
  V1("IKEv1"),
  V2("IKEv2");

  private final String text;

  IkeVersion(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }

  /** Parses the schema's spelling; the error names {@code field} and lists the allowed values. */
  public static IkeVersion parse(String field, String text) {
    return SchemaEnum.parse(IkeVersion.class, field, text);
  }
}
