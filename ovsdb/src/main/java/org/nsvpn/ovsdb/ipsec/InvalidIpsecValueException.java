package org.nsvpn.ovsdb.ipsec;

import java.util.Objects;

/**
 * A value of the IPsec tables (or of a status snapshot) was rejected. The message names the column
 * and quotes the value ({@code ike_remote_addr: invalid value '2001:db8::1': is an IPv6 address but
 * ip_family is IPv4}), ready for a log line or a row's status map. Quoting escapes control
 * characters and shortens long values, since the text may come from any OVSDB client.
 */
public final class InvalidIpsecValueException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private static final int MAX_QUOTED = 80;

  private final String field;
  private final String reason;

  public InvalidIpsecValueException(String field, Object value, String reason) {
    super(field + ": invalid value '" + printable(String.valueOf(value)) + "': " + reason);
    this.field = Objects.requireNonNull(field, "field");
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** The column (or field) whose value was rejected. */
  public String field() {
    return field;
  }

  /** Why, without field and value. */
  public String reason() {
    return reason;
  }

  static String printable(String value) {
    StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_QUOTED) + 8);
    for (int i = 0; i < value.length(); i++) {
      if (out.length() >= MAX_QUOTED) {
        out.append("...(").append(value.length()).append(" chars)");
        break;
      }
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
