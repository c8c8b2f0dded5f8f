package org.nsvpn.ovsdb.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.nsvpn.ovsdb.api.Atom;
import org.nsvpn.ovsdb.api.BooleanAtom;
import org.nsvpn.ovsdb.api.Condition;
import org.nsvpn.ovsdb.api.DatabaseSchema;
import org.nsvpn.ovsdb.api.IntegerAtom;
import org.nsvpn.ovsdb.api.MapValue;
import org.nsvpn.ovsdb.api.MonitorRequest;
import org.nsvpn.ovsdb.api.Mutation;
import org.nsvpn.ovsdb.api.NamedUuidAtom;
import org.nsvpn.ovsdb.api.Operation;
import org.nsvpn.ovsdb.api.OperationResult;
import org.nsvpn.ovsdb.api.OvsdbProtocolException;
import org.nsvpn.ovsdb.api.OvsdbTransactionException;
import org.nsvpn.ovsdb.api.RealAtom;
import org.nsvpn.ovsdb.api.Row;
import org.nsvpn.ovsdb.api.RowUpdate;
import org.nsvpn.ovsdb.api.SetValue;
import org.nsvpn.ovsdb.api.StringAtom;
import org.nsvpn.ovsdb.api.TableUpdates;
import org.nsvpn.ovsdb.api.TransactResult;
import org.nsvpn.ovsdb.api.UuidAtom;
import org.nsvpn.ovsdb.api.Value;

/**
 * RFC 7047 notation (section 5.1) and the shapes of operations, results, monitor requests and table
 * updates, between the typed values of {@code org.nsvpn.ovsdb.api} and Jackson trees. Stateless;
 * decoding errors are {@link OvsdbProtocolException}s naming what was wrong.
 */
public final class OvsdbJson {
  /** The one mapper of the module: thread-safe, default settings. */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private OvsdbJson() {}

  // ---- values ----

  /** Encodes a value in RFC 7047 notation. */
  public static JsonNode encode(Value value) {
    if (value instanceof Atom atom) {
      return encodeAtom(atom);
    }
    if (value instanceof SetValue set) {
      ArrayNode elements = F.arrayNode(set.elements().size());
      set.elements().forEach(a -> elements.add(encodeAtom(a)));
      return F.arrayNode(2).add("set").add(elements);
    }
    MapValue map = (MapValue) value;
    ArrayNode pairs = F.arrayNode(map.entries().size());
    map.entries()
        .forEach((k, v) -> pairs.add(F.arrayNode(2).add(encodeAtom(k)).add(encodeAtom(v))));
    return F.arrayNode(2).add("map").add(pairs);
  }

  static JsonNode encodeAtom(Atom atom) {
    if (atom instanceof StringAtom s) {
      return F.textNode(s.value());
    }
    if (atom instanceof IntegerAtom i) {
      return F.numberNode(i.value());
    }
    if (atom instanceof RealAtom r) {
      return F.numberNode(r.value());
    }
    if (atom instanceof BooleanAtom b) {
      return F.booleanNode(b.value());
    }
    if (atom instanceof UuidAtom u) {
      return F.arrayNode(2).add("uuid").add(u.value().toString());
    }
    return F.arrayNode(2).add("named-uuid").add(((NamedUuidAtom) atom).name());
  }

  /** Decodes a value in RFC 7047 notation. */
  public static Value decodeValue(JsonNode node) {
    if (node.isArray() && node.size() == 2 && node.get(0).isTextual()) {
      String tag = node.get(0).asText();
      if (tag.equals("set")) {
        JsonNode elements = array(node.get(1), "set elements");
        Set<Atom> atoms = new LinkedHashSet<>();
        elements.forEach(e -> atoms.add(decodeAtom(e)));
        return new SetValue(atoms);
      }
      if (tag.equals("map")) {
        JsonNode pairs = array(node.get(1), "map entries");
        Map<Atom, Atom> entries = new LinkedHashMap<>();
        for (JsonNode pair : pairs) {
          if (!pair.isArray() || pair.size() != 2) {
            throw new OvsdbProtocolException("map entry is not a [key, value] pair: " + pair);
          }
          entries.put(decodeAtom(pair.get(0)), decodeAtom(pair.get(1)));
        }
        return new MapValue(entries);
      }
    }
    return decodeAtom(node);
  }

  /** Decodes an atom. */
  public static Atom decodeAtom(JsonNode node) {
    if (node.isTextual()) {
      return new StringAtom(node.asText());
    }
    if (node.isBoolean()) {
      return new BooleanAtom(node.asBoolean());
    }
    if (node.isIntegralNumber()) {
      if (!node.canConvertToLong()) {
        throw new OvsdbProtocolException("integer out of 64-bit range: " + node);
      }
      return new IntegerAtom(node.asLong());
    }
    if (node.isNumber()) {
      return new RealAtom(node.asDouble());
    }
    if (node.isArray() && node.size() == 2 && node.get(0).isTextual() && node.get(1).isTextual()) {
      String tag = node.get(0).asText();
      String text = node.get(1).asText();
      if (tag.equals("uuid")) {
        try {
          return new UuidAtom(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
          throw new OvsdbProtocolException("malformed uuid: " + node, e);
        }
      }
      if (tag.equals("named-uuid")) {
        try {
          return new NamedUuidAtom(text);
        } catch (IllegalArgumentException e) {
          throw new OvsdbProtocolException("malformed named-uuid: " + node, e);
        }
      }
    }
    throw new OvsdbProtocolException("not an OVSDB atom: " + abbreviate(node));
  }

  // ---- rows, conditions, mutations ----

  /** Encodes a row as a JSON object of column values. */
  public static ObjectNode encodeRow(Row row) {
    ObjectNode out = F.objectNode();
    row.columns().forEach((c, v) -> out.set(c, encode(v)));
    return out;
  }

  /** Decodes a row object. */
  public static Row decodeRow(JsonNode node) {
    if (!node.isObject()) {
      throw new OvsdbProtocolException("row is not an object: " + abbreviate(node));
    }
    Map<String, Value> columns = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      columns.put(e.getKey(), decodeValue(e.getValue()));
    }
    return new Row(columns);
  }

  static ArrayNode encodeWhere(List<Condition> where) {
    ArrayNode out = F.arrayNode(where.size());
    for (Condition c : where) {
      out.add(F.arrayNode(3).add(c.column()).add(c.function().wire()).add(encode(c.value())));
    }
    return out;
  }

  static ArrayNode encodeMutations(List<Mutation> mutations) {
    ArrayNode out = F.arrayNode(mutations.size());
    for (Mutation m : mutations) {
      out.add(F.arrayNode(3).add(m.column()).add(m.mutator().wire()).add(encode(m.value())));
    }
    return out;
  }

  // ---- operations and results ----

  /** Encodes one transact operation. */
  public static ObjectNode encode(Operation operation) {
    ObjectNode o = F.objectNode();
    o.put("op", operation.op());
    if (operation instanceof Operation.Insert i) {
      o.put("table", i.table());
      o.set("row", encodeRow(i.row()));
      i.uuidName().ifPresent(n -> o.put("uuid-name", n));
    } else if (operation instanceof Operation.Select s) {
      o.put("table", s.table());
      o.set("where", encodeWhere(s.where()));
      s.columns().ifPresent(cols -> o.set("columns", strings(cols)));
    } else if (operation instanceof Operation.Update u) {
      o.put("table", u.table());
      o.set("where", encodeWhere(u.where()));
      o.set("row", encodeRow(u.row()));
    } else if (operation instanceof Operation.Mutate m) {
      o.put("table", m.table());
      o.set("where", encodeWhere(m.where()));
      o.set("mutations", encodeMutations(m.mutations()));
    } else if (operation instanceof Operation.Delete d) {
      o.put("table", d.table());
      o.set("where", encodeWhere(d.where()));
    } else if (operation instanceof Operation.Wait w) {
      o.put("table", w.table());
      o.set("where", encodeWhere(w.where()));
      o.set("columns", strings(w.columns()));
      o.put("until", w.until().wire());
      ArrayNode rows = F.arrayNode(w.rows().size());
      w.rows().forEach(r -> rows.add(encodeRow(r)));
      o.set("rows", rows);
      w.timeoutMillis().ifPresent(t -> o.put("timeout", t));
    } else if (operation instanceof Operation.Commit c) {
      o.put("durable", c.durable());
    } else if (operation instanceof Operation.Comment c) {
      o.put("comment", c.comment());
    } else if (operation instanceof Operation.Assert a) {
      o.put("lock", a.lock());
    }
    return o;
  }

  /** The params of a transact request: the database name, then the operations. */
  public static ArrayNode transactParams(String database, List<Operation> operations) {
    ArrayNode params = F.arrayNode(operations.size() + 1);
    params.add(database);
    operations.forEach(op -> params.add(encode(op)));
    return params;
  }

  /**
   * Interprets a transact reply. RFC 7047 section 4.1.3: one result per operation; a failed
   * operation's result is an error object and the ones after it are null; a failed commit adds an
   * error after the last operation's result.
   *
   * @throws OvsdbTransactionException when the transaction failed
   */
  public static TransactResult decodeTransactResult(List<Operation> operations, JsonNode result) {
    JsonNode results = array(result, "transact result");
    List<OperationResult> decoded = new ArrayList<>(operations.size());
    for (int i = 0; i < results.size(); i++) {
      JsonNode r = results.get(i);
      if (r.isObject() && r.has("error") && !r.get("error").isNull()) {
        throw new OvsdbTransactionException(
            r.get("error").asText(),
            optionalText(r.get("details")),
            i,
            i < operations.size() ? Optional.of(operations.get(i)) : Optional.empty(),
            decoded);
      }
      if (i >= operations.size()) {
        throw new OvsdbProtocolException(
            "transact returned "
                + results.size()
                + " results for "
                + operations.size()
                + " operations");
      }
      if (r.isNull()) {
        throw new OvsdbProtocolException("transact result " + i + " is null without an error");
      }
      decoded.add(decodeOperationResult(operations.get(i), r));
    }
    if (decoded.size() != operations.size()) {
      throw new OvsdbProtocolException(
          "transact returned "
              + results.size()
              + " results for "
              + operations.size()
              + " operations");
    }
    return new TransactResult(decoded);
  }

  static OperationResult decodeOperationResult(Operation op, JsonNode r) {
    if (op instanceof Operation.Insert) {
      JsonNode uuid = r.get("uuid");
      if (uuid == null || !(decodeAtom(uuid) instanceof UuidAtom u)) {
        throw new OvsdbProtocolException("insert result without uuid: " + abbreviate(r));
      }
      return new OperationResult.Inserted(u.value());
    }
    if (op instanceof Operation.Select) {
      JsonNode rows = array(r.get("rows"), "select rows");
      List<Row> out = new ArrayList<>(rows.size());
      rows.forEach(row -> out.add(decodeRow(row)));
      return new OperationResult.Selected(out);
    }
    if (op instanceof Operation.Update
        || op instanceof Operation.Mutate
        || op instanceof Operation.Delete) {
      JsonNode count = r.get("count");
      if (count == null || !count.isIntegralNumber()) {
        throw new OvsdbProtocolException(op.op() + " result without count: " + abbreviate(r));
      }
      return new OperationResult.Counted(count.asLong());
    }
    return new OperationResult.Done();
  }

  // ---- monitor ----

  /** The {@code <monitor-requests>} object: table name to request. */
  public static ObjectNode encodeMonitorRequests(List<MonitorRequest> requests) {
    ObjectNode out = F.objectNode();
    for (MonitorRequest r : requests) {
      ObjectNode req = F.objectNode();
      r.columns().ifPresent(cols -> req.set("columns", strings(cols)));
      ObjectNode select = F.objectNode();
      select.put("initial", r.initial());
      select.put("insert", r.insert());
      select.put("delete", r.delete());
      select.put("modify", r.modify());
      req.set("select", select);
      out.set(r.table(), req);
    }
    return out;
  }

  /** Decodes {@code <table-updates>}. */
  public static TableUpdates decodeTableUpdates(JsonNode node) {
    if (!node.isObject()) {
      throw new OvsdbProtocolException("table-updates is not an object: " + abbreviate(node));
    }
    Map<String, List<RowUpdate>> tables = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> t : node.properties()) {
      if (!t.getValue().isObject()) {
        throw new OvsdbProtocolException("table-update of " + t.getKey() + " is not an object");
      }
      List<RowUpdate> rows = new ArrayList<>(t.getValue().size());
      for (Map.Entry<String, JsonNode> r : t.getValue().properties()) {
        UUID uuid;
        try {
          uuid = UUID.fromString(r.getKey());
        } catch (IllegalArgumentException e) {
          throw new OvsdbProtocolException("row-update key is not a uuid: " + r.getKey(), e);
        }
        JsonNode old = r.getValue().get("old");
        JsonNode neu = r.getValue().get("new");
        Optional<Row> oldRow =
            old == null || old.isNull() ? Optional.empty() : Optional.of(decodeRow(old));
        Optional<Row> newRow =
            neu == null || neu.isNull() ? Optional.empty() : Optional.of(decodeRow(neu));
        if (oldRow.isEmpty() && newRow.isEmpty()) {
          throw new OvsdbProtocolException("row-update of " + uuid + " has neither old nor new");
        }
        rows.add(new RowUpdate(uuid, oldRow, newRow));
      }
      tables.put(t.getKey(), rows);
    }
    return new TableUpdates(tables);
  }

  // ---- schema ----

  /** Reads name, version and table columns out of a {@code <database-schema>}. */
  public static DatabaseSchema decodeSchema(JsonNode node) {
    if (!node.isObject() || !node.path("name").isTextual() || !node.path("tables").isObject()) {
      throw new OvsdbProtocolException("not a database schema: " + abbreviate(node));
    }
    Map<String, Set<String>> tables = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> t : node.get("tables").properties()) {
      Set<String> cols = new LinkedHashSet<>();
      t.getValue().path("columns").fieldNames().forEachRemaining(cols::add);
      tables.put(t.getKey(), cols);
    }
    return new DatabaseSchema(
        node.get("name").asText(), node.path("version").asText(""), tables, node.toString());
  }

  // ---- helpers ----

  /** RFC 7047 error details are a string; anything else is shown as JSON. */
  public static Optional<String> optionalText(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return Optional.empty();
    }
    return Optional.of(node.isTextual() ? node.asText() : node.toString());
  }

  static ArrayNode strings(List<String> values) {
    ArrayNode out = F.arrayNode(values.size());
    values.forEach(out::add);
    return out;
  }

  static JsonNode array(JsonNode node, String what) {
    if (node == null || !node.isArray()) {
      throw new OvsdbProtocolException(what + " is not an array: " + abbreviate(node));
    }
    return node;
  }

  /** A JSON value as text, cut to a length fit for an error message. */
  public static String abbreviate(JsonNode node) {
    String s = String.valueOf(node);
    return s.length() <= 200 ? s : s.substring(0, 200) + "...(" + s.length() + " chars)";
  }
}
