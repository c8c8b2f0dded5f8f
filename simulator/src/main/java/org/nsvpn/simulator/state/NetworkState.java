package org.nsvpn.simulator.state;

import java.util.concurrent.ConcurrentHashMap;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.BridgeId;
import org.nsvpn.chainrules.id.RouterId;

/**
 * All learning state of one simulated network: an {@link ArpCache} per router and a {@link
 * MacTable} per bridge, created on first use. Survives topology snapshots: give the same state to
 * the simulator of each new snapshot. Thread-safe.
 */
public final class NetworkState {
  private final Ticker ticker;
  private final LearningConfig config;
  private final NeighbourListener listener;
  private final ConcurrentHashMap<RouterId, ArpCache> arpCaches = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<BridgeId, MacTable> macTables = new ConcurrentHashMap<>();

  private NetworkState(Ticker ticker, LearningConfig config, NeighbourListener listener) {
    this.ticker = Require.nonNull("ticker", ticker);
    this.config = Require.nonNull("learning config", config);
    this.listener = Require.nonNull("listener", listener);
  }

  /** State timed by {@link System#nanoTime()} with the default timers. */
  public static NetworkState create() {
    return create(Ticker.system(), LearningConfig.DEFAULT);
  }

  public static NetworkState create(Ticker ticker, LearningConfig config) {
    return new NetworkState(ticker, config, NeighbourListener.NONE);
  }

  /**
   * State with the default timers whose routers tell {@code listener} what they learn: how a
   * multi-host agent shares neighbours with the other hosts' simulations.
   */
  public static NetworkState create(NeighbourListener listener) {
    return new NetworkState(Ticker.system(), LearningConfig.DEFAULT, listener);
  }

  public ArpCache arpCache(RouterId router) {
    ArpCache cache = arpCaches.get(router);
    return cache != null
        ? cache
        : arpCaches.computeIfAbsent(
            Require.nonNull("router", router), r -> new ArpCache(r, listener, ticker, config));
  }

  public MacTable macTable(BridgeId bridge) {
    MacTable table = macTables.get(bridge);
    return table != null
        ? table
        : macTables.computeIfAbsent(
            Require.nonNull("bridge", bridge), b -> new MacTable(ticker, config));
  }

  /** Sweeps expired entries from every cache and table; call it now and then. */
  public void expire() {
    arpCaches.values().forEach(ArpCache::expire);
    macTables.values().forEach(MacTable::expire);
  }

  public Ticker ticker() {
    return ticker;
  }

  public LearningConfig config() {
    return config;
  }
}
