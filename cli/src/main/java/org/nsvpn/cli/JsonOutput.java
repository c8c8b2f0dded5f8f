package org.nsvpn.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * The JSON side of {@link OutputFormat}: field values to JSON nodes, and a document to one line.
 * Every character outside printable ASCII is written as a {@code \\uNNNN} escape, so that a JSON
 * line is as safe on a terminal as an escaped text line ({@link org.nsvpn.chainrules.SafeText})
 * while a JSON parser still reads back the exact text.
 */
final class JsonOutput {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

  private JsonOutput() {}

  static String line(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON tree: " + e.getMessage(), e);
    }
  }

  /**
   * A field value as JSON: strings, numbers and booleans as themselves, lists as arrays, an
   * inverted match as {@code {"not": VALUE}}, groups as an array of objects, anything else
   * (addresses, instants) by its text.
   */
  static JsonNode value(Object value) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (value == null) {
      return f.nullNode();
    }
    if (value instanceof JsonNode n) {
      return n;
    }
    if (value instanceof Boolean b) {
      return f.booleanNode(b);
    }
    if (value instanceof Integer i) {
      return f.numberNode(i);
    }
    if (value instanceof Long l) {
      return f.numberNode(l);
    }
    if (value instanceof List<?> list) {
      ArrayNode array = f.arrayNode();
      list.forEach(v -> array.add(value(v)));
      return array;
    }
    if (value instanceof PrintedObject.Not not) {
      ObjectNode node = f.objectNode();
      node.set("not", value(not.value()));
      return node;
    }
    if (value instanceof PrintedObject.Groups g) {
      ArrayNode array = f.arrayNode();
      for (Map<String, Object> group : g.groups()) {
        ObjectNode node = f.objectNode();
        group.forEach((k, v) -> node.set(k, value(v)));
        array.add(node);
      }
      return array;
    }
    return f.textNode(value.toString());
  }
}
