package org.nsvpn.chainrules.model;

import java.util.regex.Pattern;
import org.nsvpn.chainrules.InvalidValueException;

/**
 * Names a secret (a pre-shared key) kept outside the topology objects. Connections carry only this
 * reference, so the PSK itself never travels with, or is printed alongside, the configuration.
 */
public record SecretRef(String name) {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

  public SecretRef {
    if (name == null || !VALID.matcher(name).matches()) {
      throw new InvalidValueException(
          "psk-ref",
          String.valueOf(name),
          "must be 1-128 characters of letters, digits, '_', '.', '-'");
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
