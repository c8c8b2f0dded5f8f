package org.nsvpn.chainrules.model;

import org.nsvpn.chainrules.TextEnum;

/**
 * Diffie-Hellman groups (IANA IKEv2 transform type 4 numbers) for IKE and for IPsec PFS. Text is
 * {@code groupN}, as in Neutron VPNaaS.
 */
public enum DhGroup implements TextEnum {
  /** 1024-bit MODP: legacy. */
  GROUP2(2),
  /** 1536-bit MODP: legacy. */
  GROUP5(5),
  GROUP14(14),
  GROUP15(15),
  GROUP16(16),
  GROUP17(17),
  GROUP18(18),
  /** 256-bit random ECP (NIST P-256). */
  GROUP19(19),
  /** 384-bit random ECP (NIST P-384). */
  GROUP20(20),
  /** 521-bit random ECP (NIST P-521). */
  GROUP21(21),
  /** Curve25519. */
  GROUP31(31);

  private final int number;

  DhGroup(int number) {
    this.number = number;
  }

  /** The IANA group number. */
  public int number() {
    return number;
  }

  @Override
  public String text() {
    return "group" + number;
  }

  public static DhGroup parse(String field, String text) {
    return TextEnum.parse(DhGroup.class, field, text);
  }
}
