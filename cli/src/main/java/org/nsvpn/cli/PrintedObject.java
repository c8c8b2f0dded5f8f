package org.nsvpn.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One object as the CLI prints it: a type, a label, an id and fields in print order. The text form
 * is midonet-cli's {@code TYPE ALIAS FIELD VALUE ...}; the JSON form ({@code -o json}, schema in
 * docs/cli-json.md) is {@code {"type", "label", "id", FIELD: VALUE, ...}} with the same field
 * names. Both are rendered from here, so they cannot drift apart.
 *
 * <p>A field's value is a string, a number, a boolean, a list of strings (comma-joined in text), an
 * inverted match (text {@code !FIELD VALUE}, JSON {@code {"not": VALUE}}) or a list of groups of
 * fields (a port's {@code address A net N} pairs: inline in text, an array of objects in JSON).
 */
final class PrintedObject {
  /** A match that holds when its value does not. */
  record Not(Object value) {}

  /** Repeated groups of fields, printed inline in text. */
  record Groups(List<Map<String, Object>> groups) {}

  private final String type;
  private final String textLabel;
  private final String label;
  private final String id;
  private final Map<String, Object> fields;

  private PrintedObject(
      String type, String textLabel, String label, String id, Map<String, Object> fields) {
    this.type = type;
    this.textLabel = textLabel;
    this.label = label;
    this.id = id;
    this.fields = fields;
  }

  /**
   * @param type the word the text form starts with, and the JSON {@code type}
   * @param textLabel how the text form names the object (a scoped alias prints without its scope)
   * @param label the full label, which the CLI accepts as a reference
   * @param id the object's UUID
   */
  static Builder builder(String type, String textLabel, String label, Object id) {
    return new Builder(type, textLabel, label, id.toString());
  }

  /** The midonet-cli line. */
  String text() {
    List<String> out = new ArrayList<>();
    out.add(type);
    out.add(textLabel);
    fields.forEach((field, value) -> text(out, field, value));
    return String.join(" ", out);
  }

  private static void text(List<String> out, String field, Object value) {
    if (value instanceof Groups g) {
      for (Map<String, Object> group : g.groups()) {
        group.forEach((f, v) -> text(out, f, v));
      }
    } else if (value instanceof Not not) {
      out.add("!" + field);
      out.add(textValue(not.value()));
    } else {
      out.add(field);
      out.add(textValue(value));
    }
  }

  /** A field value as the text form prints it. */
  static String textValue(Object value) {
    if (value instanceof List<?> list) {
      return Printer.join(list);
    }
    if (value instanceof Not not) {
      return textValue(not.value());
    }
    return String.valueOf(value);
  }

  /** The full label, which the CLI accepts as a reference. */
  String label() {
    return label;
  }

  ObjectNode json() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("type", type);
    node.put("label", label);
    node.put("id", id);
    fields.forEach((field, value) -> node.set(field, JsonOutput.value(value)));
    return node;
  }

  /**
   * The value of {@code field} for {@code show FIELD}: a field of the object, or the first of a
   * repeated group's.
   */
  Optional<Object> field(String field) {
    if (fields.containsKey(field) && !(fields.get(field) instanceof Groups)) {
      return Optional.of(fields.get(field));
    }
    for (Object value : fields.values()) {
      if (value instanceof Groups g) {
        for (Map<String, Object> group : g.groups()) {
          if (group.containsKey(field)) {
            return Optional.of(group.get(field));
          }
        }
      }
    }
    return Optional.empty();
  }

  /** Adds fields in print order; an absent optional adds nothing. */
  static final class Builder {
    private final String type;
    private final String textLabel;
    private final String label;
    private final String id;
    private final Map<String, Object> fields = new LinkedHashMap<>();

    private Builder(String type, String textLabel, String label, String id) {
      this.type = type;
      this.textLabel = textLabel;
      this.label = label;
      this.id = id;
    }

    Builder put(String field, Object value) {
      fields.put(field, value);
      return this;
    }

    Builder put(String field, Optional<?> value) {
      value.ifPresent(v -> fields.put(field, v));
      return this;
    }

    PrintedObject build() {
      return new PrintedObject(
          type, textLabel, label, id, Collections.unmodifiableMap(new LinkedHashMap<>(fields)));
    }
  }
}
