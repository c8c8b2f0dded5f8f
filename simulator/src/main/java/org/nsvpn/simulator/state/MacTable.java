package org.nsvpn.simulator.state;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.net.MacAddress;

/**
 * A bridge's learned MAC addresses: (VLAN, MAC) to the port the address was last seen on. Entries
 * age out {@link LearningConfig#macAging()} after the last frame from the address. Thread-safe.
 */
public final class MacTable {

  /** Refreshing a hit more often than this is skipped: it would only churn the map. */
  private static final long REFRESH_NANOS = 1_000_000_000L;

  private record Entry(PortId port, long seenAt) {}

  private final ConcurrentHashMap<Long, Entry> entries = new ConcurrentHashMap<>();
  private final Ticker ticker;
  private final long agingNanos;

  MacTable(Ticker ticker, LearningConfig config) {
    this.ticker = ticker;
    this.agingNanos = config.macAging().toNanos();
  }

  private static long key(int vlanId, long mac) {
    return (long) vlanId << 48 | mac;
  }

  /** Records that {@code mac} on {@code vlanId} was seen on {@code port} now. */
  public void learn(int vlanId, long mac, PortId port) {
    learn(vlanId, mac, port, ticker.nanos());
  }

  /**
   * As {@link #learn(int, long, PortId)} at time {@code now} (a reading of this state's ticker that
   * the caller already took: one clock read per simulation instead of one per table).
   */
  public void learn(int vlanId, long mac, PortId port, long now) {
    Long key = key(vlanId, mac);
    Entry e = entries.get(key);
    if (e == null || !e.port.equals(port) || now - e.seenAt >= REFRESH_NANOS) {
      entries.put(key, new Entry(port, now));
    }
  }

  /** Convenience form of {@link #learn(int, long, PortId)}. */
  public void learn(int vlanId, MacAddress mac, PortId port) {
    learn(vlanId, Require.nonNull("mac", mac).bits(), Require.nonNull("port", port));
  }

  /** The port {@code mac} was last seen on, or null when unknown or aged out. Allocation-light. */
  public PortId portOf(int vlanId, long mac) {
    return portOf(vlanId, mac, ticker.nanos());
  }

  /**
   * As {@link #portOf(int, long)} at time {@code now} (see {@link #learn(int, long, PortId,
   * long)}).
   */
  public PortId portOf(int vlanId, long mac, long now) {
    Entry e = entries.get(key(vlanId, mac));
    if (e == null) {
      return null;
    }
    if (now - e.seenAt >= agingNanos) {
      entries.remove(key(vlanId, mac), e);
      return null;
    }
    return e.port;
  }

  public Optional<PortId> lookup(int vlanId, MacAddress mac) {
    return Optional.ofNullable(portOf(vlanId, mac.bits()));
  }

  /** Forgets every address learned on {@code port} (e.g. the port went down). */
  public void forgetPort(PortId port) {
    entries.values().removeIf(e -> e.port.equals(port));
  }

  /** Removes aged-out entries. */
  public void expire() {
    long now = ticker.nanos();
    entries.values().removeIf(e -> now - e.seenAt >= agingNanos);
  }

  /** Entries held, aged or not (until {@link #expire()}). */
  public int size() {
    return entries.size();
  }
}
