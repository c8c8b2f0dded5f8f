package org.nsvpn.chainrules.model;

import java.time.Duration;
import org.nsvpn.chainrules.InvalidValueException;

/** Bounds shared by IKE and IPsec SA lifetimes. */
final class Lifetimes {
  static final Duration MIN = Duration.ofSeconds(60);
  static final Duration MAX = Duration.ofHours(24);

  private Lifetimes() {}

  static Duration check(String field, Duration lifetime) {
    if (lifetime == null) {
      throw new InvalidValueException(field, "null", "is required");
    }
    if (lifetime.compareTo(MIN) < 0 || lifetime.compareTo(MAX) > 0 || lifetime.getNano() != 0) {
      throw new InvalidValueException(
          field, lifetime.getSeconds() + "s", "must be whole seconds in 60..86400");
    }
    return lifetime;
  }
}
