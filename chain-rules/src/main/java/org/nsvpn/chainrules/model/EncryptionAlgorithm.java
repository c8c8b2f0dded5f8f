package org.nsvpn.chainrules.model;

import org.nsvpn.chainrules.TextEnum;

/**
 * Encryption algorithms for IKE and IPsec policies, spelled as Neutron VPNaaS spells them. The AEAD
 * modes (CCM, GCM; the suffix is the ICV length in bytes) authenticate as well as encrypt.
 */
public enum EncryptionAlgorithm implements TextEnum {
  /** Triple DES: legacy, offered only because deployed peers still use it. */
  TRIPLE_DES("3des", 0, false),
  AES_128("aes-128", 128, false),
  AES_192("aes-192", 192, false),
  AES_256("aes-256", 256, false),
  AES_128_CTR("aes-128-ctr", 128, false),
  AES_192_CTR("aes-192-ctr", 192, false),
  AES_256_CTR("aes-256-ctr", 256, false),
  AES_128_CCM_8("aes-128-ccm-8", 128, true),
  AES_128_CCM_12("aes-128-ccm-12", 128, true),
  AES_128_CCM_16("aes-128-ccm-16", 128, true),
  AES_192_CCM_8("aes-192-ccm-8", 192, true),
  AES_192_CCM_12("aes-192-ccm-12", 192, true),
  AES_192_CCM_16("aes-192-ccm-16", 192, true),
  AES_256_CCM_8("aes-256-ccm-8", 256, true),
  AES_256_CCM_12("aes-256-ccm-12", 256, true),
  AES_256_CCM_16("aes-256-ccm-16", 256, true),
  AES_128_GCM_8("aes-128-gcm-8", 128, true),
  AES_128_GCM_12("aes-128-gcm-12", 128, true),
  AES_128_GCM_16("aes-128-gcm-16", 128, true),
  AES_192_GCM_8("aes-192-gcm-8", 192, true),
  AES_192_GCM_12("aes-192-gcm-12", 192, true),
  AES_192_GCM_16("aes-192-gcm-16", 192, true),
  AES_256_GCM_8("aes-256-gcm-8", 256, true),
  AES_256_GCM_12("aes-256-gcm-12", 256, true),
  AES_256_GCM_16("aes-256-gcm-16", 256, true);

  private final String text;
  private final int aesKeyBits;
  private final boolean aead;

  EncryptionAlgorithm(String text, int aesKeyBits, boolean aead) {
    this.text = text;
    this.aesKeyBits = aesKeyBits;
    this.aead = aead;
  }

  @Override
  public String text() {
    return text;
  }

  /** AES key size in bits, or 0 for 3DES. */
  public int aesKeyBits() {
    return aesKeyBits;
  }

  /** True for combined-mode ciphers (CCM, GCM), which need no separate integrity algorithm. */
  public boolean isAead() {
    return aead;
  }

  public static EncryptionAlgorithm parse(String field, String text) {
    return TextEnum.parse(EncryptionAlgorithm.class, field, text);
  }
}
