package org.nsvpn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * How results are printed: {@code text} (midonet-cli lines) or {@code json} (one JSON document per
 * command, on one line; the schema is docs/cli-json.md). A command that prints nothing in text
 * prints nothing in JSON either: success is the exit code.
 */
enum OutputFormat {
  text,
  json;

  List<String> render(Output output) {
    return this == text ? asText(output) : asJson(output).map(JsonOutput::line).stream().toList();
  }

  private static List<String> asText(Output output) {
    if (output instanceof Output.Lines l) {
      return l.lines();
    }
    if (output instanceof Output.Listing l) {
      return l.objects().stream()
          .map(o -> l.qualified() ? o.label() + " " + o.text() : o.text())
          .toList();
    }
    if (output instanceof Output.Shown s) {
      return List.of(s.object().text());
    }
    if (output instanceof Output.Field f) {
      return List.of(PrintedObject.textValue(f.value()));
    }
    if (output instanceof Output.Created c) {
      return List.of(c.label());
    }
    return ((Output.View) output).text().get();
  }

  private static Optional<JsonNode> asJson(Output output) {
    if (output instanceof Output.Lines l) {
      return l.lines().isEmpty() ? Optional.empty() : Optional.of(JsonOutput.value(l.lines()));
    }
    if (output instanceof Output.Listing l) {
      ArrayNode array = JsonNodeFactory.instance.arrayNode();
      l.objects().forEach(o -> array.add(o.json()));
      return Optional.of(array);
    }
    if (output instanceof Output.Shown s) {
      return Optional.of(s.object().json());
    }
    if (output instanceof Output.Field f) {
      return Optional.of(JsonOutput.value(f.value()));
    }
    if (output instanceof Output.Created c) {
      ObjectNode node = JsonNodeFactory.instance.objectNode();
      node.put("label", c.label());
      node.put("id", c.id().toString());
      return Optional.of(node);
    }
    return Optional.of(((Output.View) output).json().get());
  }
}
