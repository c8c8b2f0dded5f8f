package org.nsvpn.ovsdb.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import org.nsvpn.ovsdb.api.OvsdbProtocolException;

/**
 * A JSON-RPC 1.0 message as RFC 7047 uses it: a {@link Request} (a {@link Request#isNotification()
 * notification} when its id is null) or a {@link Response} (exactly one of result and error is
 * non-null).
 */
public sealed interface JsonRpcMessage {

  /** The message as a JSON object. */
  ObjectNode toJson();

  /**
   * Classifies a decoded JSON value.
   *
   * @throws OvsdbProtocolException when it is not a JSON-RPC 1.0 request, notification or response
   */
  static JsonRpcMessage fromJson(JsonNode node) {
    if (!node.isObject()) {
      throw new OvsdbProtocolException(
          "JSON-RPC message is not an object: " + OvsdbJson.abbreviate(node));
    }
    JsonNode id = node.has("id") ? node.get("id") : NullNode.getInstance();
    JsonNode method = node.get("method");
    if (method != null) {
      if (!method.isTextual()) {
        throw new OvsdbProtocolException("JSON-RPC method is not a string: " + method);
      }
      JsonNode params = node.get("params");
      if (params == null || !params.isArray()) {
        throw new OvsdbProtocolException(
            "JSON-RPC " + method.asText() + ": params is not an array: " + params);
      }
      return new Request(method.asText(), (ArrayNode) params, id);
    }
    if (node.has("result") || node.has("error")) {
      if (id.isNull()) {
        throw new OvsdbProtocolException(
            "JSON-RPC response without an id: " + OvsdbJson.abbreviate(node));
      }
      JsonNode result = node.has("result") ? node.get("result") : NullNode.getInstance();
      JsonNode error = node.has("error") ? node.get("error") : NullNode.getInstance();
      return new Response(result, error, id);
    }
    throw new OvsdbProtocolException(
        "neither a JSON-RPC request nor a response: " + OvsdbJson.abbreviate(node));
  }

  /** A request (id non-null) or notification (id null). */
  record Request(String method, ArrayNode params, JsonNode id) implements JsonRpcMessage {
    public Request {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(params, "params");
      id = id == null ? NullNode.getInstance() : id;
    }

    /** A notification: no reply expected. */
    public boolean isNotification() {
      return id.isNull();
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("method", method);
      o.set("params", params);
      o.set("id", id);
      return o;
    }
  }

  /** A response to the request with the same id. */
  record Response(JsonNode result, JsonNode error, JsonNode id) implements JsonRpcMessage {
    public Response {
      result = result == null ? NullNode.getInstance() : result;
      error = error == null ? NullNode.getInstance() : error;
      Objects.requireNonNull(id, "id");
    }

    /** A successful response. */
    public static Response success(JsonNode result, JsonNode id) {
      return new Response(result, NullNode.getInstance(), id);
    }

    /** Whether the server reported an error. */
    public boolean isError() {
      return !error.isNull();
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.set("result", result);
      o.set("error", error);
      o.set("id", id);
      return o;
    }
  }
}
