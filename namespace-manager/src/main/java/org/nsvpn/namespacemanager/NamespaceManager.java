package org.nsvpn.namespacemanager;

import org.nsvpn.chainrules.vpn.NamespaceSpec;
import org.nsvpn.namespacemanager.netns.NetworkNamespaces;

/**
 * Builds, repairs, inspects and removes VPN namespaces over netlink, never starting a process.
 *
 * <p>{@link #ensure} is idempotent and converges: it creates what is missing, corrects what differs
 * and leaves what is right alone, and says what it changed. When it fails having created the
 * namespace or the veth pair in that same call, it deletes them again, so a failed first ensure
 * leaves nothing behind; a failed repair leaves the namespace as far as it got, and the next ensure
 * continues.
 *
 * <p>The veth pair keeps the kernel's default offloads: the userspace datapath that reads the host
 * end completes partial checksums and handles segmentation offload itself (see {@link
 * org.nsvpn.namespacemanager.packet.PacketSocket}).
 *
 * <p>Thread-safe. Calls for the same namespace name are serialised; calls for different names run
 * in parallel. Must be used from threads in the host's network namespace (all pooled threads are,
 * since nothing here moves them). Lifecycle: open when created, {@link #close()} is idempotent.
 */
public interface NamespaceManager extends AutoCloseable {

  /** A manager of the host's iproute2-compatible namespaces ({@code /run/netns}). */
  static NamespaceManager create() {
    return create(NetworkNamespaces.system());
  }

  /** A manager of the namespaces in {@code namespaces}. */
  static NamespaceManager create(NetworkNamespaces namespaces) {
    return new NetlinkNamespaceManager(namespaces);
  }

  /**
   * Makes the namespace match {@code spec}; see the class comment.
   *
   * @throws org.nsvpn.chainrules.InvalidValueException when the spec is inconsistent (e.g. a
   *     neighbour of a family the interface has no address of); nothing is touched
   * @throws InterfaceConflictException when an interface name is taken by something not ours
   * @throws org.nsvpn.namespacemanager.netlink.NetlinkException when the kernel refuses a change
   */
  EnsureResult ensure(NamespaceSpec spec);

  /**
   * Reads the namespace's links, addresses, main routes, neighbours and sysctls.
   *
   * @throws org.nsvpn.namespacemanager.netns.NoSuchNamespaceException when it does not exist
   * @throws org.nsvpn.chainrules.InvalidValueException when {@code name} is not a namespace name
   */
  NamespaceState inspect(String name);

  /**
   * Deletes the namespace; the kernel destroys its veth pairs, host-side ends included, with it,
   * asynchronously (typically within tens of milliseconds; it batches dying namespaces, which is
   * far cheaper than deleting each veth synchronously). An {@link #ensure} of the same spec in the
   * meantime waits for the old pair to be gone. Idempotent.
   *
   * @return true when there was something to remove
   * @throws org.nsvpn.chainrules.InvalidValueException when {@code name} is not a namespace name
   */
  boolean remove(String name);

  @Override
  void close();
}
