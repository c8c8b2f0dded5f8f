package org.nsvpn.strongswan.vici;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A VICI section, and a whole message (the implicit root section): named key/values, lists and
 * sub-sections in the order they were added. Names are unique within a section and encode to at
 * most 255 bytes of UTF-8. Immutable; build with {@link #builder()}.
 *
 * <p>Accessors return empty when a name is absent or maps to another kind of element, because
 * charon omits keys that do not apply (an SA without NAT has no {@code nat-local}).
 */
public final class ViciSection implements ViciElement {
  /** The largest name the 8-bit length field can carry. */
  public static final int MAX_NAME_LENGTH = 0xff;

  private static final ViciSection EMPTY = new ViciSection(Map.of());

  private final Map<String, ViciElement> entries;

  private ViciSection(Map<String, ViciElement> entries) {
    this.entries = entries;
  }

  /** The empty message. */
  public static ViciSection empty() {
    return EMPTY;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The entries in wire order (unmodifiable). */
  public Map<String, ViciElement> entries() {
    return entries;
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public Optional<ViciValue> value(String name) {
    return entries.get(name) instanceof ViciValue v ? Optional.of(v) : Optional.empty();
  }

  /** The value of {@code name} as text. */
  public Optional<String> text(String name) {
    return value(name).map(ViciValue::text);
  }

  /** The value of {@code name} as a decimal number; empty when absent or not a number. */
  public Optional<Long> number(String name) {
    Optional<String> text = text(name);
    if (text.isEmpty() || !text.get().matches("-?[0-9]{1,19}")) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(text.get()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** True when {@code name} is {@code yes} (charon's spelling of true). */
  public boolean flag(String name) {
    return text(name).map("yes"::equals).orElse(false);
  }

  public Optional<ViciSection> section(String name) {
    return entries.get(name) instanceof ViciSection s ? Optional.of(s) : Optional.empty();
  }

  public Optional<ViciList> list(String name) {
    return entries.get(name) instanceof ViciList l ? Optional.of(l) : Optional.empty();
  }

  /** The items of the list {@code name} as text; empty when there is no such list. */
  public List<String> texts(String name) {
    return list(name).map(ViciList::texts).orElse(List.of());
  }

  /** The sub-sections by name, in wire order. */
  public Map<String, ViciSection> sections() {
    Map<String, ViciSection> out = new LinkedHashMap<>();
    entries.forEach(
        (name, element) -> {
          if (element instanceof ViciSection s) {
            out.put(name, s);
          }
        });
    return Collections.unmodifiableMap(out);
  }

  /**
   * Checks a command response's {@code success} key.
   *
   * @throws ViciCommandException when it is not {@code yes}, with charon's {@code errmsg}
   */
  public ViciSection requireSuccess(String command) {
    if (!flag("success")) {
      throw new ViciCommandException(
          command, text("errmsg").orElse("no success reported and no error message"));
    }
    return this;
  }

  @Override
  public boolean equals(Object o) {
    // Wire order is significant for the bytes but not for meaning; compare as maps.
    return o instanceof ViciSection other && entries.equals(other.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  /** A compact rendering; secret values are redacted. */
  @Override
  public String toString() {
    return entries.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", ", "{", "}"));
  }

  static void checkName(String name) {
    Objects.requireNonNull(name, "name");
    int length = name.getBytes(StandardCharsets.UTF_8).length;
    if (length > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "VICI name of " + length + " bytes exceeds the maximum of " + MAX_NAME_LENGTH);
    }
  }

  /** Collects entries; names must be unique. Not thread-safe. */
  public static final class Builder {
    private final Map<String, ViciElement> entries = new LinkedHashMap<>();

    private Builder() {}

    public Builder put(String name, ViciElement element) {
      checkName(name);
      Objects.requireNonNull(element, "element");
      if (entries.putIfAbsent(name, element) != null) {
        throw new IllegalArgumentException("duplicate VICI name '" + name + "' in one section");
      }
      return this;
    }

    public Builder put(String name, String text) {
      return put(name, ViciValue.of(text));
    }

    public Builder put(String name, long number) {
      return put(name, ViciValue.of(number));
    }

    public Builder put(String name, boolean flag) {
      return put(name, ViciValue.of(flag));
    }

    /** A list of text values. */
    public Builder putList(String name, List<String> texts) {
      return put(name, ViciList.ofText(texts));
    }

    public boolean contains(String name) {
      return entries.containsKey(name);
    }

    public ViciSection build() {
      return entries.isEmpty()
          ? EMPTY
          : new ViciSection(Collections.unmodifiableMap(new LinkedHashMap<>(entries)));
    }
  }
}
