package org.nsvpn.ovsdb.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The parts of a server's schema ({@code get_schema}) that a client checks before relying on it:
 * name, version and the columns of each table. {@code json} is the schema as the server sent it.
 */
public record DatabaseSchema(
    String name, String version, Map<String, Set<String>> tableColumns, String json) {
  public DatabaseSchema {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Map<String, Set<String>> copy = new LinkedHashMap<>();
    tableColumns.forEach((t, c) -> copy.put(t, Set.copyOf(c)));
    tableColumns = Collections.unmodifiableMap(copy);
    Objects.requireNonNull(json, "json");
  }
}
