package org.nsvpn.chainrules.id;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.UUID;
import org.nsvpn.chainrules.InvalidValueException;

/** Common face of the typed ids: a UUID underneath, its canonical text as {@code toString()}. */
public interface EntityId {

  /** Orders ids like their canonical text (unsigned), unlike {@link UUID#compareTo}. */
  Comparator<EntityId> ORDER =
      Comparator.<EntityId>comparingLong(id -> id.uuid().getMostSignificantBits() ^ Long.MIN_VALUE)
          .thenComparingLong(id -> id.uuid().getLeastSignificantBits() ^ Long.MIN_VALUE);

  UUID uuid();

  /** The UUID without dashes, 32 lower-case hex digits; the source of derived kernel names. */
  default String hex() {
    UUID u = uuid();
    return String.format("%016x%016x", u.getMostSignificantBits(), u.getLeastSignificantBits());
  }

  /**
   * A name-based UUID (version 3) derived from this id and a purpose string. The same inputs always
   * give the same UUID, which lets planners recompute the ids of the objects they own after a
   * restart instead of remembering them.
   */
  default UUID derive(String purpose) {
    return UUID.nameUUIDFromBytes((uuid() + "/" + purpose).getBytes(StandardCharsets.UTF_8));
  }

  /** Parses the canonical 8-4-4-4-12 UUID text strictly. */
  static UUID parseUuid(String field, String text) {
    if (text == null
        || text.length() != 36
        || !text.matches(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
      throw new InvalidValueException(
          field, String.valueOf(text), "expected a UUID (8-4-4-4-12 hex)");
    }
    return UUID.fromString(text);
  }

  /** Rejects a null UUID in an id constructor. */
  static UUID require(String field, UUID uuid) {
    if (uuid == null) {
      throw new InvalidValueException(field, "null", "is required");
    }
    return uuid;
  }
}
