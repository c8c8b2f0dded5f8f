package org.nsvpn.chainrules.rules;

import org.nsvpn.chainrules.InvalidValueException;

/** An inclusive range of L4 ports, {@code start..end} within 0..65535. */
public record PortRange(int start, int end) {
  private static final String FIELD = "port range";

  public PortRange {
    if (start < 0 || start > 65535 || end < 0 || end > 65535) {
      throw new InvalidValueException(FIELD, start + ":" + end, "ports must be 0..65535");
    }
    if (start > end) {
      throw new InvalidValueException(FIELD, start + ":" + end, "start must not exceed end");
    }
  }

  /** The single port {@code port}. */
  public static PortRange of(int port) {
    return new PortRange(port, port);
  }

  /** Parses {@code N} or {@code N:M} (the midonet-cli form). */
  public static PortRange parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new InvalidValueException(FIELD, String.valueOf(text), "expected N or N:M");
    }
    int colon = text.indexOf(':');
    if (colon < 0) {
      return of(parsePort(text, text));
    }
    return new PortRange(
        parsePort(text, text.substring(0, colon)), parsePort(text, text.substring(colon + 1)));
  }

  private static int parsePort(String whole, String digits) {
    if (digits.isEmpty()
        || digits.length() > 5
        || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new InvalidValueException(FIELD, whole, "ports must be numbers 0..65535");
    }
    int port = Integer.parseInt(digits);
    if (port > 65535) {
      throw new InvalidValueException(FIELD, whole, "ports must be 0..65535");
    }
    return port;
  }

  public boolean contains(int port) {
    return port >= start && port <= end;
  }

  @Override
  public String toString() {
    return start == end ? Integer.toString(start) : start + ":" + end;
  }
}
