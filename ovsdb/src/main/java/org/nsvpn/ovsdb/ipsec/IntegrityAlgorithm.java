package org.nsvpn.ovsdb.ipsec;

/**
 * Integrity (HMAC) algorithm of IKE or of the IPsec SAs. The seed's {@code sha512-hma} for
 * ike_integrity is read as {@code sha512-hmac}.
 */
public enum IntegrityAlgorithm implements SchemaEnum {
  SHA1_HMAC("sha1-hmac"),
  SHA256_HMAC("sha256-hmac"),
  SHA512_HMAC("sha512-hmac");

  private final String text;

  IntegrityAlgorithm(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }

  /** Parses the schema's spelling; the error names {@code field} and lists the allowed values. */
  public static IntegrityAlgorithm parse(String field, String text) {
    return SchemaEnum.parse(IntegrityAlgorithm.class, field, text);
  }
}
