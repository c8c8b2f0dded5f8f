package org.nsvpn.namespacemanager;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one {@link NamespaceManager#ensure} changed, in the order it changed it. Empty when the
 * namespace already matched its spec.
 */
public record EnsureResult(String namespace, List<Change> changes) {
  public EnsureResult {
    changes = List.copyOf(changes);
  }

  public boolean changed() {
    return !changes.isEmpty();
  }

  /** The kinds of change made (each once). */
  public Set<ChangeKind> kinds() {
    return changes.stream().map(Change::kind).collect(Collectors.toUnmodifiableSet());
  }
}
