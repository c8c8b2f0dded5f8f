package org.nsvpn.topology;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.topology.json.StoredDataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watch over a CuratorCache of store objects. CuratorCache keeps a persistent recursive watch,
 * re-registers it after reconnection or session expiry and then re-reads every node it holds and
 * the directories' children; this class turns its node events into typed object events and
 * suppresses the ones that change nothing for the listener (a re-read of an unchanged node, a
 * delete-and-recreate that ends where it started), so a resynchronisation delivers exactly the
 * difference.
 *
 * <p>Events are delivered on the Curator client's single "run safe" thread, in the order the cache
 * saw them.
 */
abstract class CacheWatch implements TopologyWatch {
  private static final Logger log = LoggerFactory.getLogger(CacheWatch.class);

  enum State {
    LATENT,
    STARTED,
    CLOSED
  }

  private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
  private final CuratorCache cache;
  private final String cachedPath;
  private final Consumer<TopologyWatch> onClose;
  private final Map<EntityId, Versioned<Identified>> objects = new ConcurrentHashMap<>();
  private volatile boolean initialized;

  CacheWatch(CuratorFramework client, String cachedPath, Consumer<TopologyWatch> onClose) {
    this.cachedPath = cachedPath;
    this.onClose = onClose;
    this.cache = CuratorCache.build(client, cachedPath);
    cache
        .listenable()
        .addListener(
            CuratorCacheListener.builder()
                .forAll(this::onNode)
                .forInitialized(this::onInitialized)
                .build());
  }

  final void start() {
    if (state.compareAndSet(State.LATENT, State.STARTED)) {
      cache.start();
    }
  }

  @Override
  public final void close() {
    if (state.getAndSet(State.CLOSED) == State.STARTED) {
      cache.close();
      onClose.accept(this);
    }
  }

  @Override
  public boolean isInitialized() {
    return initialized;
  }

  /** Every object the cache currently holds, decoded, by id. */
  final Map<EntityId, Versioned<Identified>> objects() {
    return objects;
  }

  /** An object was created or changed ({@code before} empty for a new one). */
  abstract void objectChanged(Optional<Versioned<Identified>> before, Versioned<Identified> after);

  /** An object was deleted. */
  abstract void objectDeleted(Versioned<Identified> last);

  abstract void initializedEvent();

  private void onInitialized() {
    if (state.get() != State.STARTED) {
      return;
    }
    initialized = true;
    guarded(this::initializedEvent);
  }

  private void onNode(CuratorCacheListener.Type type, ChildData oldData, ChildData data) {
    if (state.get() != State.STARTED) {
      return;
    }
    ChildData node = data != null ? data : oldData;
    Optional<Located> located = locate(node.getPath());
    if (located.isEmpty()) {
      return;
    }
    EntityId id = located.get().id;
    if (type == CuratorCacheListener.Type.NODE_DELETED) {
      Versioned<Identified> last = objects.remove(id);
      if (last != null) {
        guarded(() -> objectDeleted(last));
      }
      return;
    }
    Versioned<Identified> now;
    try {
      now =
          Entry.decode(
                  node.getPath(), located.get().kind, data.getData(), data.getStat().getVersion())
              .versioned();
    } catch (StoredDataException e) {
      log.warn("ignoring undecodable node: {}", e.getMessage());
      return;
    }
    Versioned<Identified> before = objects.put(id, now);
    if (!now.equals(before)) {
      guarded(() -> objectChanged(Optional.ofNullable(before), now));
    }
  }

  private void guarded(Runnable delivery) {
    try {
      delivery.run();
    } catch (RuntimeException e) {
      log.error("a topology listener failed; the watch goes on", e);
    }
  }

  private record Located(ObjectKind<?, ?> kind, EntityId id) {}

  /** Maps {@code .../topology/DIR/UUID} to its kind and id; empty for directories. */
  private Optional<Located> locate(String path) {
    if (path.length() <= cachedPath.length()) {
      return Optional.empty();
    }
    String[] parts = path.split("/");
    if (parts.length < 2) {
      return Optional.empty();
    }
    Optional<ObjectKind<?, ?>> kind = ObjectKind.byDirectory(parts[parts.length - 2]);
    if (kind.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Located(kind.get(), kind.get().parseId(parts[parts.length - 1])));
    } catch (InvalidValueException e) {
      log.warn("ignoring node {}: not named by a {} id", path, kind.get().name());
      return Optional.empty();
    }
  }
}
