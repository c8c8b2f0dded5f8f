package org.nsvpn.namespacemanager.netlink;

import org.nsvpn.chainrules.InvalidValueException;

/** Range checks for fields of kernel structs, by C type; failures name the field. */
public final class Checks {
  private Checks() {}

  /** {@code __u8}: 0..255. */
  public static int u8(String field, int value) {
    if (value < 0 || value > 0xff) {
      throw new InvalidValueException(field, value, "must fit an unsigned 8-bit field (0..255)");
    }
    return value;
  }

  /** {@code __u16}: 0..65535. */
  public static int u16(String field, int value) {
    if (value < 0 || value > 0xffff) {
      throw new InvalidValueException(field, value, "must fit an unsigned 16-bit field (0..65535)");
    }
    return value;
  }

  /** {@code __u32} held in a long: 0..2^32-1. */
  public static long u32(String field, long value) {
    if (value < 0 || value > 0xffff_ffffL) {
      throw new InvalidValueException(field, value, "must fit an unsigned 32-bit field");
    }
    return value;
  }
}
