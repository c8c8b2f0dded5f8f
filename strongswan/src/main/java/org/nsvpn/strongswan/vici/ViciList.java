package org.nsvpn.strongswan.vici;

import java.util.List;
import java.util.stream.Collectors;

/** A VICI list: unnamed values in order (lists cannot nest and hold no sections). */
public record ViciList(List<ViciValue> items) implements ViciElement {
  public ViciList {
    items = List.copyOf(items);
  }

  /** A list of text values. */
  public static ViciList ofText(List<String> texts) {
    return new ViciList(texts.stream().map(ViciValue::of).toList());
  }

  /** The items as text. */
  public List<String> texts() {
    return items.stream().map(ViciValue::text).toList();
  }

  @Override
  public String toString() {
    return items.stream().map(ViciValue::toString).collect(Collectors.joining(", ", "[", "]"));
  }
}
