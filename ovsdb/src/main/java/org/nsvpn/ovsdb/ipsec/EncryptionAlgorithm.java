package org.nsvpn.ovsdb.ipsec;

/** Encryption algorithm of IKE or of the ESP SAs. */
public enum EncryptionAlgorithm implements SchemaEnum {
  AES128("aes128"),
  AES256("aes256");

  private final String text;

  EncryptionAlgorithm(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }

  /** Parses the schema's spelling; the error names {@code field} and lists the allowed values. */
  public static EncryptionAlgorithm parse(String field, String text) {
    return SchemaEnum.parse(EncryptionAlgorithm.class, field, text);
  }
}
