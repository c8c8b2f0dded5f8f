package org.nsvpn.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.Identified;

/** Records a watch's events and checks the stream's guarantees. */
final class Recorder<T extends Identified> implements TopologyListener<T> {
  private final List<TopologyEvent<T>> events = new ArrayList<>();
  private final Map<EntityId, Versioned<T>> state = new HashMap<>();
  private final List<String> violations = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();

  @Override
  public synchronized void onEvent(TopologyEvent<T> event) {
    events.add(event);
    if (!threads.contains(Thread.currentThread())) {
      threads.add(Thread.currentThread());
    }
    if (event instanceof TopologyEvent.Created<T> c) {
      Versioned<T> before = state.put(c.object().value().id(), c.object());
      if (before != null) {
        violations.add("created twice: " + c.object());
      }
    } else if (event instanceof TopologyEvent.Updated<T> u) {
      Versioned<T> before = state.put(u.after().value().id(), u.after());
      if (before == null || !before.equals(u.before())) {
        violations.add("update from a state never delivered: " + u);
      }
      if (u.before().equals(u.after())) {
        violations.add("duplicate: " + u);
      }
    } else if (event instanceof TopologyEvent.Deleted<T> d) {
      if (state.remove(d.last().value().id()) == null) {
        violations.add("deleted what was never delivered: " + d);
      }
    }
  }

  synchronized List<TopologyEvent<T>> events() {
    return List.copyOf(events);
  }

  synchronized Map<EntityId, Versioned<T>> state() {
    return Map.copyOf(state);
  }

  synchronized long count(Class<?> type) {
    return events.stream().filter(type::isInstance).count();
  }

  /** Fails on a duplicate, an out-of-order update, or delivery from more than one thread. */
  synchronized void assertClean() {
    assertThat(violations).isEmpty();
    assertThat(threads).hasSize(1);
  }
}
