package org.nsvpn.strongswan;

import java.util.concurrent.CompletableFuture;
import org.nsvpn.namespacemanager.netns.NetworkNamespaces;

/**
 * The strongSwan service of a host: one charon per VPN network namespace.
 *
 * <p>{@link #startOrAdopt} gives a handle on the namespace's charon, starting one when none runs
 * (see the package comment for how) or adopting the one a previous handle or agent process left
 * running: recognised by the pid file in its instance directory, {@code /proc/PID/exe} being
 * charon, and its network namespace being this one; it is never started twice. A charon in the
 * namespace that nsvpn did not start is refused, not adopted.
 *
 * <p>Thread-safe. One open handle per namespace at a time.
 */
public interface StrongSwan extends AutoCloseable {

  /** The service with {@link StrongSwanConfig#defaults()} on the host's iproute2 namespaces. */
  static StrongSwan create() {
    return create(StrongSwanConfig.defaults());
  }

  static StrongSwan create(StrongSwanConfig config) {
    return create(config, NetworkNamespaces.system());
  }

  static StrongSwan create(StrongSwanConfig config, NetworkNamespaces namespaces) {
    return new DefaultStrongSwan(config, namespaces);
  }

  /**
   * Starts charon in the named network namespace, or adopts the one running there, and completes
   * when it answers on VICI (within the configured start timeout).
   *
   * <p>The future fails with {@link org.nsvpn.namespacemanager.netns.NoSuchNamespaceException} when
   * the namespace does not exist, {@link IllegalStateException} when a handle for it is open, and
   * {@link CharonException} when charon cannot be started or a foreign charon runs there.
   *
   * @throws org.nsvpn.chainrules.InvalidValueException at once for a name that is not a valid
   *     namespace name
   */
  CompletableFuture<CharonInstance> startOrAdopt(String namespace);

  /**
   * Deletes what nsvpn keeps for the namespace's charon (its instance directory: configuration,
   * log), once the VPN service is gone. Idempotent.
   *
   * @throws IllegalStateException while a handle for the namespace is open or its charon runs
   */
  void purge(String namespace);

  /** The IPsec backend charons are started with: configured, or probed once from the kernel. */
  CompletableFuture<Backend> backend();

  StrongSwanConfig config();

  /** Closes open handles (their charons keep running) and the service's threads. Idempotent. */
  @Override
  void close();
}
