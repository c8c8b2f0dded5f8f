package org.nsvpn.topology.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Bytes to and from JSON trees. Stored JSON is compact UTF-8 with fields in a fixed order (the
 * order the encoders write them), so that equal objects always give equal bytes.
 */
public final class JsonCodec {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private JsonCodec() {}

  /** Serializes a tree to compact UTF-8 JSON. */
  public static byte[] toBytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Serializes a tree to indented JSON text, for people. */
  public static String toPrettyString(JsonNode node) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses UTF-8 JSON.
   *
   * @throws StoredDataException when the bytes are not one JSON value
   */
  public static JsonNode parse(String where, byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new StoredDataException(where, "empty node data, expected JSON");
    }
    try {
      return MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new StoredDataException(where, "not valid JSON: " + e.getMessage(), e);
    }
  }
}
