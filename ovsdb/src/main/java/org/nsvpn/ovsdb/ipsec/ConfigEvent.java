package org.nsvpn.ovsdb.ipsec;

import java.util.Objects;
import java.util.UUID;

/**
 * A change of the IPsec configuration held in OVSDB, as the {@link IpsecConfigReader} reports it.
 * An item that becomes invalid is first {@link Removed} (it must not stay in force), then {@link
 * Rejected}.
 */
public sealed interface ConfigEvent {

  /** A valid item appeared. */
  record Added(IpsecConfig config) implements ConfigEvent {
    public Added {
      Objects.requireNonNull(config, "config");
    }
  }

  /** A valid item changed (its row changed; the key may have changed too). */
  record Changed(IpsecConfig previous, IpsecConfig current) implements ConfigEvent {
    public Changed {
      Objects.requireNonNull(previous, "previous");
      Objects.requireNonNull(current, "current");
    }
  }

  /** A valid item went away: its row was deleted or became invalid. */
  record Removed(IpsecConfig previous) implements ConfigEvent {
    public Removed {
      Objects.requireNonNull(previous, "previous");
    }
  }

  /**
   * A row is invalid; {@code error} (also written to the row's status map under {@code
   * config_error}) names the column and the value.
   */
  record Rejected(String table, UUID row, String error) implements ConfigEvent {
    public Rejected {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(row, "row");
      Objects.requireNonNull(error, "error");
    }
  }
}
