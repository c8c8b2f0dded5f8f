package org.nsvpn.agentplugin;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.topology.ObjectKind;
import org.nsvpn.topology.StoreSnapshot;
import org.nsvpn.topology.TopologyStore;
import org.nsvpn.topology.TopologyWatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the store's per-object change streams into a sequence of consistent topology snapshots: any
 * change schedules one {@link TopologyStore#refresh()} (changes arriving meanwhile are coalesced
 * into it), and listeners get each new snapshot in order, on one thread.
 */
final class TopologyFollower implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TopologyFollower.class);

  private final TopologyStore store;
  private final List<Consumer<StoreSnapshot>> listeners = new CopyOnWriteArrayList<>();
  private final List<TopologyWatch> watches = new ArrayList<>();
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(DaemonThreads.named("nsvpn-topology-follower"));
  private final AtomicBoolean refreshQueued = new AtomicBoolean();
  private volatile StoreSnapshot current;

  TopologyFollower(TopologyStore store) {
    this.store = store;
    this.current = store.refresh();
  }

  /** Starts watching every kind of object. */
  void start() {
    for (ObjectKind<?, ?> kind : ObjectKind.ALL) {
      watches.add(store.watch(kind, event -> refreshSoon()));
    }
  }

  Topology topology() {
    return current.topology();
  }

  /** The last snapshot delivered (or the first, before any). */
  StoreSnapshot snapshot() {
    return current;
  }

  /** Registers {@code listener} and calls it with the current topology, on the follower thread. */
  void addListener(Consumer<Topology> listener) {
    addSnapshotListener(snapshot -> listener.accept(snapshot.topology()));
  }

  /**
   * Registers {@code listener} for whole snapshots (the topology with the store's metadata, such as
   * tunnel keys) and calls it with the current one, on the follower thread.
   */
  void addSnapshotListener(Consumer<StoreSnapshot> listener) {
    thread.execute(
        () -> {
          listeners.add(listener);
          deliver(listener, current);
        });
  }

  /** Schedules a refresh unless one is already queued. */
  void refreshSoon() {
    if (refreshQueued.compareAndSet(false, true)) {
      thread.execute(this::refresh);
    }
  }

  private void refresh() {
    refreshQueued.set(false);
    StoreSnapshot next;
    try {
      next = store.refresh();
    } catch (RuntimeException e) {
      log.warn("cannot refresh the topology (will retry at the next change): {}", e.getMessage());
      return;
    }
    if (next.txn() == current.txn()) {
      return;
    }
    current = next;
    for (Consumer<StoreSnapshot> listener : listeners) {
      deliver(listener, next);
    }
  }

  private static void deliver(Consumer<StoreSnapshot> listener, StoreSnapshot snapshot) {
    try {
      listener.accept(snapshot);
    } catch (RuntimeException e) {
      log.error("a topology listener failed", e);
    }
  }

  @Override
  public void close() {
    watches.forEach(TopologyWatch::close);
    thread.shutdown();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
