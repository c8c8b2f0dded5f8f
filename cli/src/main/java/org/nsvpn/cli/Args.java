package org.nsvpn.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.nsvpn.chainrules.InvalidValueException;

/**
 * The {@code key value} pairs of a command, checked against the fields of one object type. A
 * leading {@code !} on the key or on the value inverts a rule match ({@code !dst 10.0.0.0/8} or
 * {@code dst !10.0.0.0/8}); only invertible fields accept it. Field synonyms ({@code infilter} for
 * {@code inbound-filter}) are folded to their canonical name.
 */
final class Args {
  /** One field's value as typed. */
  record Value(String text, boolean inverted) {}

  private final Map<String, Value> values;

  private Args(Map<String, Value> values) {
    this.values = values;
  }

  static final Args NONE = new Args(Map.of());

  static Args parse(
      String type,
      List<String> words,
      List<String> fields,
      Set<String> invertible,
      Map<String, String> synonyms) {
    Map<String, Value> values = new LinkedHashMap<>();
    for (int i = 0; i < words.size(); i += 2) {
      String key = words.get(i);
      boolean inverted = false;
      if (key.startsWith("!") && key.length() > 1) {
        inverted = true;
        key = key.substring(1);
      }
      key = synonyms.getOrDefault(key, key);
      if (!fields.contains(key)) {
        throw new CliException(
            type
                + ": unknown field "
                + Text.quote(words.get(i))
                + "; fields are: "
                + String.join(", ", fields));
      }
      if (i + 1 >= words.size()) {
        throw new CliException(key + ": missing value");
      }
      String value = words.get(i + 1);
      if (value.startsWith("!") && value.length() > 1 && invertible.contains(key)) {
        inverted = !inverted;
        value = value.substring(1);
      }
      if (inverted && !invertible.contains(key)) {
        throw new CliException(key + ": cannot be inverted with '!'");
      }
      if (values.put(key, new Value(value, inverted)) != null) {
        throw new CliException(key + ": given twice");
      }
    }
    return new Args(values);
  }

  boolean has(String field) {
    return values.containsKey(field);
  }

  Optional<Value> get(String field) {
    return Optional.ofNullable(values.get(field));
  }

  Optional<String> text(String field) {
    return get(field).map(Value::text);
  }

  /** The value, or an error naming the field when it is missing. */
  String required(String field) {
    return text(field).orElseThrow(() -> new CliException(field + ": is required"));
  }

  List<String> fields() {
    return new ArrayList<>(values.keySet());
  }

  boolean isEmpty() {
    return values.isEmpty();
  }

  /** Runs {@code parser} on the field's text, attributing its errors to the field. */
  static <T> T parse(String field, String text, java.util.function.Function<String, T> parser) {
    try {
      return parser.apply(text);
    } catch (InvalidValueException e) {
      throw new CliException(e.forField(field).getMessage(), e);
    }
  }
}
