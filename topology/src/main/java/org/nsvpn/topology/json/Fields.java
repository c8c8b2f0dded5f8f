package org.nsvpn.topology.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.nsvpn.chainrules.InvalidValueException;

/** Reading and writing the fields of stored JSON objects; every failure names the field. */
final class Fields {
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Fields() {}

  static JsonNode required(JsonNode object, String field) {
    JsonNode value = object.get(field);
    if (value == null || value.isNull()) {
      throw new InvalidValueException(field, "null", "is required in stored JSON");
    }
    return value;
  }

  static String text(JsonNode object, String field) {
    JsonNode value = required(object, field);
    if (!value.isTextual()) {
      throw new InvalidValueException(field, value, "must be a JSON string");
    }
    return value.asText();
  }

  static Optional<String> optionalText(JsonNode object, String field) {
    JsonNode value = object.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    return Optional.of(text(object, field));
  }

  static <T> T parsed(JsonNode object, String field, Function<String, T> parser) {
    String text = text(object, field);
    try {
      return parser.apply(text);
    } catch (InvalidValueException e) {
      throw e.forField(field);
    }
  }

  static <T> Optional<T> optionalParsed(JsonNode object, String field, Function<String, T> parser) {
    return object.hasNonNull(field) ? Optional.of(parsed(object, field, parser)) : Optional.empty();
  }

  static <T> List<T> parsedList(JsonNode object, String field, Function<String, T> parser) {
    JsonNode value = required(object, field);
    if (!value.isArray()) {
      throw new InvalidValueException(field, value, "must be a JSON array");
    }
    List<T> out = new ArrayList<>();
    for (JsonNode item : value) {
      if (!item.isTextual()) {
        throw new InvalidValueException(field, item, "items must be JSON strings");
      }
      try {
        out.add(parser.apply(item.asText()));
      } catch (InvalidValueException e) {
        throw e.forField(field);
      }
    }
    return out;
  }

  static boolean bool(JsonNode object, String field) {
    JsonNode value = required(object, field);
    if (!value.isBoolean()) {
      throw new InvalidValueException(field, value, "must be true or false");
    }
    return value.booleanValue();
  }

  static long number(JsonNode object, String field) {
    JsonNode value = required(object, field);
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new InvalidValueException(field, value, "must be an integer");
    }
    return value.longValue();
  }

  static int integer(JsonNode object, String field) {
    long value = number(object, field);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new InvalidValueException(field, value, "out of range");
    }
    return (int) value;
  }

  static Optional<Long> optionalNumber(JsonNode object, String field) {
    return object.hasNonNull(field) ? Optional.of(number(object, field)) : Optional.empty();
  }

  static Duration seconds(JsonNode object, String field) {
    return Duration.ofSeconds(number(object, field));
  }

  static Optional<Duration> optionalSeconds(JsonNode object, String field) {
    return optionalNumber(object, field).map(Duration::ofSeconds);
  }

  static Instant instant(JsonNode object, String field) {
    return parsed(object, field, Fields::parseInstant);
  }

  static Optional<Instant> optionalInstant(JsonNode object, String field) {
    return optionalParsed(object, field, Fields::parseInstant);
  }

  private static Instant parseInstant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new InvalidValueException("time", text, "expected an ISO-8601 instant");
    }
  }

  static JsonNode object(JsonNode object, String field) {
    JsonNode value = required(object, field);
    if (!value.isObject()) {
      throw new InvalidValueException(field, value, "must be a JSON object");
    }
    return value;
  }

  static Iterable<JsonNode> array(JsonNode object, String field) {
    JsonNode value = required(object, field);
    if (!value.isArray()) {
      throw new InvalidValueException(field, value, "must be a JSON array");
    }
    return value;
  }

  static void putOptional(ObjectNode out, String field, Optional<?> value) {
    if (value.isPresent()) {
      out.put(field, value.get().toString());
    } else {
      out.putNull(field);
    }
  }

  static ArrayNode strings(List<?> values) {
    ArrayNode array = NODES.arrayNode();
    values.forEach(v -> array.add(v.toString()));
    return array;
  }
}
