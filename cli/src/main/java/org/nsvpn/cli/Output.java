package org.nsvpn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.Supplier;

/**
 * What one command produces, before it is rendered as text or JSON ({@link OutputFormat}). Keeping
 * the result structured until the end is what lets {@code -o json} print the same objects as the
 * text form without parsing it.
 */
sealed interface Output {
  /** Nothing (a write that succeeded, a blank line). */
  Output NONE = new Lines(List.of());

  /** Text only, the same in both formats' eyes: help. JSON prints it as an array of strings. */
  record Lines(List<String> lines) implements Output {}

  /** {@code list}: an array in JSON, one line per object in text. */
  record Listing(List<PrintedObject> objects, boolean qualified) implements Output {}

  /** {@code show}: one object. */
  record Shown(PrintedObject object) implements Output {}

  /** {@code show FIELD}: one field's value. */
  record Field(Object value) implements Output {}

  /** {@code add}: the label and id of what was created. */
  record Created(String label, Object id) implements Output {}

  /**
   * A view with a text form and a JSON form of its own ({@code show status}). Each is built only
   * when it is printed: a view reads status records from the store, and one format is printed.
   */
  record View(Supplier<List<String>> text, Supplier<JsonNode> json) implements Output {}
}
