package org.nsvpn.topology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.model.SecretRef;
import org.nsvpn.chainrules.model.TopologyChange;

/**
 * Writes meant to be applied atomically by {@link TopologyStore#commit}: object creations, updates
 * and deletions, each optionally conditional on the version the caller read, plus secret writes.
 * Build with {@link #builder()}.
 */
public final class StoreTransaction {
  /** Expected "version" meaning "must not exist yet". */
  static final int ABSENT = -1;

  private final TopologyChange change;
  private final Map<EntityId, Integer> expectations;
  private final Map<SecretRef, Optional<byte[]>> secrets;

  private StoreTransaction(Builder b) {
    this.change = new TopologyChange(b.upserts, b.deletions);
    this.expectations = Map.copyOf(b.expectations);
    Map<SecretRef, Optional<byte[]>> copy = new LinkedHashMap<>();
    b.secrets.forEach((k, v) -> copy.put(k, v.map(bytes -> Arrays.copyOf(bytes, bytes.length))));
    this.secrets = copy;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A transaction of unconditional writes. */
  public static StoreTransaction of(TopologyChange change) {
    return builder().change(change).build();
  }

  public TopologyChange change() {
    return change;
  }

  /** Expected node versions by id; {@code -1} means the object must not exist. */
  Map<EntityId, Integer> expectations() {
    return expectations;
  }

  /** Secrets to write (present) or delete (empty). */
  Map<SecretRef, Optional<byte[]>> secrets() {
    return secrets;
  }

  public boolean isEmpty() {
    return change.isEmpty() && secrets.isEmpty();
  }

  /** Collects writes. Not thread-safe. */
  public static final class Builder {
    private final List<Identified> upserts = new ArrayList<>();
    private final List<EntityId> deletions = new ArrayList<>();
    private final Map<EntityId, Integer> expectations = new LinkedHashMap<>();
    private final Map<SecretRef, Optional<byte[]>> secrets = new LinkedHashMap<>();

    private Builder() {}

    /** Creates {@code object}; the commit fails if an object with its id exists. */
    public Builder create(Identified object) {
      upserts.add(Require.nonNull("object", object));
      expectations.put(object.id(), ABSENT);
      return this;
    }

    /** Replaces {@code object}; the commit fails unless the stored version is {@code version}. */
    public Builder update(Identified object, int version) {
      upserts.add(Require.nonNull("object", object));
      expectations.put(object.id(), Require.inRange("version", version, 0, Integer.MAX_VALUE));
      return this;
    }

    /** Creates or replaces {@code object}, whatever is stored. */
    public Builder put(Identified object) {
      upserts.add(Require.nonNull("object", object));
      return this;
    }

    /** Deletes {@code id}; the commit fails unless the stored version is {@code version}. */
    public Builder delete(EntityId id, int version) {
      deletions.add(Require.nonNull("id", id));
      expectations.put(id, Require.inRange("version", version, 0, Integer.MAX_VALUE));
      return this;
    }

    /** Deletes {@code id} if it exists. */
    public Builder delete(EntityId id) {
      deletions.add(Require.nonNull("id", id));
      return this;
    }

    /** Adds every write and deletion of {@code change}, unconditionally. */
    public Builder change(TopologyChange change) {
      upserts.addAll(change.upserts());
      deletions.addAll(change.deletions());
      return this;
    }

    /** Stores a secret (a PSK) under {@code ref}, replacing any previous value. */
    public Builder putSecret(SecretRef ref, byte[] value) {
      Require.nonNull("psk", value);
      if (value.length == 0) {
        throw new org.nsvpn.chainrules.InvalidValueException("psk", "(empty)", "must not be empty");
      }
      secrets.put(Require.nonNull("psk-ref", ref), Optional.of(value.clone()));
      return this;
    }

    /** Deletes the secret {@code ref}, if it exists. */
    public Builder deleteSecret(SecretRef ref) {
      secrets.put(Require.nonNull("psk-ref", ref), Optional.empty());
      return this;
    }

    /**
     * @throws org.nsvpn.chainrules.InvalidValueException when an id is both written and deleted or
     *     written twice
     */
    public StoreTransaction build() {
      return new StoreTransaction(this);
    }
  }
}
