package org.nsvpn.namespacemanager.netns;

/** Work to run inside a network namespace, on the dedicated thread that entered it. */
@FunctionalInterface
public interface NamespaceTask<T> {
  T run();
}
