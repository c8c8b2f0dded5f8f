package org.nsvpn.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.id.RuleId;
import org.nsvpn.topology.json.JsonCodec;
import org.nsvpn.topology.json.StoredDataException;
import org.nsvpn.topology.json.TopologyJson;

/**
 * One stored object with its store metadata; encodes to and decodes from the node envelope {@code
 * {"kind":"router","alias":"router0","object":{...}}} (chains add {@code "rule-aliases":
 * {"RULE-UUID":"rule0",...}}, ports {@code "tunnel-key":N}).
 */
record Entry(
    Identified value,
    int version,
    String alias,
    Map<RuleId, String> ruleAliases,
    Optional<TunnelKey> tunnelKey) {

  Entry {
    ruleAliases = Map.copyOf(ruleAliases);
  }

  Versioned<Identified> versioned() {
    return new Versioned<>(value, version, alias);
  }

  Entry withVersion(int newVersion) {
    return new Entry(value, newVersion, alias, ruleAliases, tunnelKey);
  }

  byte[] encode() {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("kind", ObjectKind.ofObject(value).name());
    out.put("alias", alias);
    tunnelKey.ifPresent(k -> out.put("tunnel-key", k.value()));
    if (!ruleAliases.isEmpty()) {
      ObjectNode rules = out.putObject("rule-aliases");
      new LinkedHashMap<>(ruleAliases)
          .entrySet().stream()
              .sorted(Map.Entry.comparingByValue(Aliases.ORDER))
              .forEach(e -> rules.put(e.getKey().toString(), e.getValue()));
    }
    out.set("object", TopologyJson.encode(value));
    return JsonCodec.toBytes(out);
  }

  /**
   * Decodes a node's data.
   *
   * @throws StoredDataException naming the path when the data is not a valid envelope of {@code
   *     kind}
   */
  static Entry decode(String path, ObjectKind<?, ?> kind, byte[] data, int version) {
    JsonNode json = JsonCodec.parse(path, data);
    try {
      String storedKind = json.path("kind").asText();
      if (!kind.name().equals(storedKind)) {
        throw new StoredDataException(
            path, "holds a '" + storedKind + "', expected a '" + kind.name() + "'");
      }
      JsonNode alias = json.get("alias");
      if (alias == null || !alias.isTextual()) {
        throw new StoredDataException(path, "has no alias");
      }
      Identified value = TopologyJson.decode(kind.name(), json.path("object"));
      if (!path.endsWith("/" + value.id())) {
        throw new StoredDataException(path, "holds object " + value.id() + " under another id");
      }
      Map<RuleId, String> rules = new LinkedHashMap<>();
      JsonNode ruleAliases = json.get("rule-aliases");
      if (ruleAliases != null && ruleAliases.isObject()) {
        for (Map.Entry<String, JsonNode> e : ruleAliases.properties()) {
          rules.put(RuleId.parse(e.getKey()), e.getValue().asText());
        }
      }
      JsonNode key = json.get("tunnel-key");
      Optional<TunnelKey> tunnelKey = Optional.empty();
      if (key != null) {
        if (!key.canConvertToInt()) {
          throw new StoredDataException(path, "has a tunnel key that is not a number");
        }
        tunnelKey = Optional.of(new TunnelKey(key.intValue()));
      }
      return new Entry(value, version, alias.asText(), rules, tunnelKey);
    } catch (InvalidValueException e) {
      throw new StoredDataException(path, e.getMessage(), e);
    }
  }
}
