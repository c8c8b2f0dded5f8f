package org.nsvpn.chainrules;

import java.util.Objects;

/**
 * A value was rejected while parsing or constructing a model object.
 *
 * <p>The message always names the field and quotes the offending value, so that a command line or
 * an agent log can show it as one line: {@code peer-cidrs: invalid value '10.0.0.0/33': prefix
 * length must be 0..32}. Parsers that do not know the field they parse for use a generic field
 * name; callers that know better re-label the error with {@link #forField(String)}.
 */
public final class InvalidValueException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private static final int MAX_QUOTED_LENGTH = 80;

  private final String field;
  private final String value;
  private final String reason;

  public InvalidValueException(String field, Object value, String reason) {
    super(format(field, String.valueOf(value), reason));
    this.field = Objects.requireNonNull(field, "field");
    this.value = String.valueOf(value);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** The name of the field whose value was rejected, e.g. {@code dst-port}. */
  public String field() {
    return field;
  }

  /** The rejected value as text (not truncated). */
  public String value() {
    return value;
  }

  /** Why the value was rejected, without the field and the value. */
  public String reason() {
    return reason;
  }

  /** The same error, attributed to {@code newField}. */
  public InvalidValueException forField(String newField) {
    InvalidValueException relabelled = new InvalidValueException(newField, value, reason);
    relabelled.setStackTrace(getStackTrace());
    return relabelled;
  }

  private static String format(String field, String value, String reason) {
    return field + ": invalid value '" + printable(value) + "': " + reason;
  }

  /** Quotes untrusted text safely: see {@link SafeText}; long values shortened. */
  static String printable(String value) {
    StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_QUOTED_LENGTH) + 8);
    for (int i = 0; i < value.length(); i++) {
      if (out.length() >= MAX_QUOTED_LENGTH) {
        out.append("...(").append(value.length()).append(" chars)");
        break;
      }
      char c = value.charAt(i);
      if (SafeText.isUnsafe(c)) {
        out.append(SafeText.escape(String.valueOf(c)));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
