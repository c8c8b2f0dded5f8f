package org.nsvpn.ovsdb.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Writes a new, empty OVSDB database file for a schema, as {@code ovsdb-tool create} does, so the
 * agent needs no process other than ovsdb-server itself.
 *
 * <p>The file format (OVSDB's standalone log): each record is a header line {@code OVSDB JSON
 * <length> <sha1>} followed by {@code length} bytes of JSON text plus a newline, the SHA-1 (hex)
 * being that of those bytes. A new database is one record: the schema.
 */
final class DatabaseFile {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DatabaseFile() {}

  /**
   * Creates {@code file} (mode 0600) holding {@code schemaJson}; fails if it exists.
   *
   * @throws IllegalArgumentException when the schema is not valid JSON
   */
  static void create(Path file, String schemaJson) {
    JsonNode schema;
    try {
      schema = JSON.readTree(schemaJson);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "the OVSDB schema is not valid JSON: " + e.getMessage(), e);
    }
    byte[] body;
    try {
      body = (JSON.writeValueAsString(schema) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String header = "OVSDB JSON " + body.length + " " + sha1(body) + "\n";
    try {
      Files.write(
          file,
          header.getBytes(StandardCharsets.US_ASCII),
          StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE);
      Files.write(file, body, StandardOpenOption.APPEND);
      Files.setPosixFilePermissions(
          file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create OVSDB database " + file, e);
    }
  }

  private static String sha1(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-1", e);
    }
  }
}
