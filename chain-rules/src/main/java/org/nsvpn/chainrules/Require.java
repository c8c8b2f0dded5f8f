package org.nsvpn.chainrules;

import java.util.Collection;
import java.util.regex.Pattern;

/** Argument checks shared by the model's constructors; every failure names the field. */
public final class Require {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

  private Require() {}

  /** Returns {@code value}, or throws naming {@code field} when it is null. */
  public static <T> T nonNull(String field, T value) {
    if (value == null) {
      throw new InvalidValueException(field, "null", "is required");
    }
    return value;
  }

  /** Checks {@code min <= value <= max}. */
  public static int inRange(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw new InvalidValueException(field, value, "must be in " + min + ".." + max);
    }
    return value;
  }

  /** Checks {@code min <= value <= max}. */
  public static long inRange(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw new InvalidValueException(field, value, "must be in " + min + ".." + max);
    }
    return value;
  }

  /** Checks that a collection is present and has at least one element. */
  public static <C extends Collection<?>> C nonEmpty(String field, C values) {
    nonNull(field, values);
    if (values.isEmpty()) {
      throw new InvalidValueException(field, "[]", "must not be empty");
    }
    for (Object v : values) {
      if (v == null) {
        throw new InvalidValueException(field, values, "must not contain null");
      }
    }
    return values;
  }

  /** Checks that a collection is present and holds no null (it may be empty). */
  public static <C extends Collection<?>> C noNulls(String field, C values) {
    nonNull(field, values);
    for (Object v : values) {
      if (v == null) {
        throw new InvalidValueException(field, values, "must not contain null");
      }
    }
    return values;
  }

  /**
   * Checks an operator-chosen object name: 1 to 63 characters from {@code [A-Za-z0-9_.-]}, starting
   * with a letter or digit. No spaces, colons (they separate path segments in the CLI), control or
   * shell metacharacters. Names never reach the kernel or a file path; ids do.
   */
  public static String name(String field, String value) {
    nonNull(field, value);
    if (!NAME.matcher(value).matches()) {
      throw new InvalidValueException(
          field,
          value,
          "must be 1-63 characters of letters, digits, '_', '.', '-', starting with a letter or"
              + " digit");
    }
    return value;
  }
}
