package org.nsvpn.topology.status;

import java.util.regex.Pattern;
import org.nsvpn.chainrules.InvalidValueException;

/** Checks security parameter indexes as the status records carry them: lower-case hex text. */
final class Spi {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{8}|[0-9a-f]{16}");

  private Spi() {}

  /** An IKE SPI is 64 bits (16 hex digits), an ESP/AH SPI 32 bits (8 hex digits). */
  static String check(String field, String spi) {
    if (spi == null || !HEX.matcher(spi).matches()) {
      throw new InvalidValueException(
          field, String.valueOf(spi), "must be 8 or 16 lower-case hex digits");
    }
    return spi;
  }
}
