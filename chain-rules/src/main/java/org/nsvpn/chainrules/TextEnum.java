package org.nsvpn.chainrules;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * An enum with a fixed textual spelling (the one the CLI, the store and the docs use, such as
 * {@code aes-256} or {@code bi-directional}) and a strict parser that lists the allowed values.
 */
public interface TextEnum {

  /** The canonical text of this constant. */
  String text();

  /**
   * Finds the constant of {@code type} whose {@link #text()} equals {@code text} (exact, case
   * sensitive: the canonical spellings are lower case).
   *
   * @throws InvalidValueException naming {@code field} and listing the allowed values
   */
  static <E extends Enum<E> & TextEnum> E parse(Class<E> type, String field, String text) {
    for (E constant : type.getEnumConstants()) {
      if (constant.text().equals(text)) {
        return constant;
      }
    }
    throw new InvalidValueException(
        field,
        String.valueOf(text),
        "must be one of "
            + Arrays.stream(type.getEnumConstants())
                .map(TextEnum::text)
                .collect(Collectors.joining(", ")));
  }
}
