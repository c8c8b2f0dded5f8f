package org.nsvpn.topology;

import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.Identified;

/** The change stream of one kind of object; see {@link TopologyStore#watch}. */
final class KindWatch<T extends Identified> extends CacheWatch {
  private final ObjectKind<?, T> kind;
  private final TopologyListener<T> listener;

  KindWatch(
      CuratorFramework client,
      StorePaths paths,
      ObjectKind<?, T> kind,
      TopologyListener<T> listener,
      Consumer<TopologyWatch> onClose) {
    super(client, paths.directory(kind), onClose);
    this.kind = kind;
    this.listener = listener;
  }

  @Override
  public Map<EntityId, Versioned<Identified>> current() {
    return Map.copyOf(objects());
  }

  @Override
  void objectChanged(Optional<Versioned<Identified>> before, Versioned<Identified> after) {
    Versioned<T> now = typed(after);
    listener.onEvent(
        before.isPresent()
            ? new TopologyEvent.Updated<>(typed(before.get()), now)
            : new TopologyEvent.Created<>(now));
  }

  @Override
  void objectDeleted(Versioned<Identified> last) {
    listener.onEvent(new TopologyEvent.Deleted<>(typed(last)));
  }

  @Override
  void initializedEvent() {
    listener.onEvent(new TopologyEvent.Initialized<>());
  }

  private Versioned<T> typed(Versioned<Identified> v) {
    return new Versioned<>(kind.type().cast(v.value()), v.version(), v.alias());
  }
}
