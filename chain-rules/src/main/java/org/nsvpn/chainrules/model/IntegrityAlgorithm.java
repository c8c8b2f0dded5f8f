package org.nsvpn.chainrules.model;

import org.nsvpn.chainrules.TextEnum;

/** Integrity (authentication) algorithms for IKE and IPsec policies, in Neutron's spelling. */
public enum IntegrityAlgorithm implements TextEnum {
  /** HMAC-SHA1-96: legacy, still the most widely deployed. */
  SHA1("sha1"),
  SHA256("sha256"),
  SHA384("sha384"),
  SHA512("sha512"),
  AES_XCBC("aes-xcbc"),
  AES_CMAC("aes-cmac");

  private final String text;

  IntegrityAlgorithm(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }

  public static IntegrityAlgorithm parse(String field, String text) {
    return TextEnum.parse(IntegrityAlgorithm.class, field, text);
  }
}
