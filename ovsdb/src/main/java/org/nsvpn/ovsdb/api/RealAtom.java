package org.nsvpn.ovsdb.api;

/** A real (IEEE 754 double) atom; RFC 7047 forbids NaN and infinities. */
public record RealAtom(double value) implements Atom {
  public RealAtom {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(
          "real atom: invalid value '" + value + "': must be finite");
    }
  }

  @Override
  public String toString() {
    return Double.toString(value);
  }
}
