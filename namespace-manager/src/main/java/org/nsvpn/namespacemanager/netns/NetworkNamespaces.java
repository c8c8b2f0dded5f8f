package org.nsvpn.namespacemanager.netns;

import java.nio.file.Path;
import java.util.List;

/**
 * The named network namespaces of this host, iproute2-compatible (see the package comment). Names
 * are validated like {@link org.nsvpn.chainrules.vpn.NamespaceSpec#requireNamespaceName}: a bad
 * name is refused with {@link org.nsvpn.chainrules.InvalidValueException} before anything touches
 * the file system.
 *
 * <p>Thread-safe. Operations on different names proceed in parallel.
 */
public interface NetworkNamespaces {

  /** The host's namespaces under {@code /run/netns}, where iproute2 keeps them. */
  static NetworkNamespaces system() {
    return IprouteNamespaces.SYSTEM;
  }

  /** The directory holding the bind mounts. */
  Path directory();

  /** Where the namespace {@code name} is (or would be) mounted. */
  Path path(String name);

  /** True when {@code name} is a live namespace (an nsfs bind mount, not merely a file). */
  boolean exists(String name);

  /** The live namespaces, sorted by name. */
  List<String> list();

  /**
   * Creates the namespace {@code name}.
   *
   * @throws NamespaceExistsException when it exists already
   */
  default void create(String name) {
    create(name, () -> null);
  }

  /**
   * Creates the namespace {@code name} and runs {@code task} inside it, on the worker that created
   * it, before any other thread can enter. When {@code task} throws, the namespace is deleted again
   * and the exception is rethrown: the caller sees a namespace either fully set up or not at all.
   *
   * @throws NamespaceExistsException when it exists already
   */
  <T> T create(String name, NamespaceTask<T> task);

  /**
   * Runs {@code task} inside the namespace {@code name} on a namespace worker (see the package
   * comment); the calling thread waits and never changes namespace. Exceptions of the task are
   * rethrown as they are.
   *
   * @throws NoSuchNamespaceException when the namespace does not exist
   */
  <T> T run(String name, NamespaceTask<T> task);

  /**
   * Deletes the namespace: unmounts and removes its file. The namespace itself disappears when the
   * last process, socket or mount holding it lets go. Idempotent.
   *
   * @return true when there was something to delete
   */
  boolean delete(String name);

  /**
   * Calls {@code removed} with the name of every namespace whose file is removed from {@link
   * #directory()} from now on, by nsvpn or by anyone else ({@code ip netns del}), within
   * milliseconds (inotify). Calls come one at a time on a thread of the watch; keep them quick.
   *
   * @return closing it stops the watch (idempotent)
   */
  AutoCloseable watchRemovals(java.util.function.Consumer<String> removed);
}
