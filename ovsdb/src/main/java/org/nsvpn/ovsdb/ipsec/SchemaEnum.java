package org.nsvpn.ovsdb.ipsec;

import java.util.Arrays;
import java.util.stream.Collectors;

/** An enum whose constants are spelled as in the IPsec schema's {@code enum} constraints. */
public interface SchemaEnum {

  /** The spelling in the schema and in the database. */
  String text();

  /**
   * The constant of {@code type} spelled {@code text} (exact match).
   *
   * @throws InvalidIpsecValueException naming {@code field} and listing the allowed values
   */
  static <E extends Enum<E> & SchemaEnum> E parse(Class<E> type, String field, String text) {
    for (E constant : type.getEnumConstants()) {
      if (constant.text().equals(text)) {
        return constant;
      }
    }
    throw new InvalidIpsecValueException(
        field,
        text,
        "must be one of "
            + Arrays.stream(type.getEnumConstants())
                .map(SchemaEnum::text)
                .collect(Collectors.joining(", ")));
  }
}
