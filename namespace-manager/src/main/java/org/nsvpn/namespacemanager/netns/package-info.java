/**
 * Named network namespaces as iproute2 makes them, so that {@code ip netns exec NAME ...} works on
 * every namespace nsvpn creates and nsvpn sees every namespace {@code ip netns add} created: a
 * namespace is kept alive by a bind mount of its nsfs file on {@code /run/netns/NAME}, and {@code
 * /run/netns} is itself a shared mount so the bind mounts propagate to mount namespaces cloned
 * later (such as charon's private one).
 *
 * <p>Code runs inside a namespace on a namespace worker: a thread of this package that enters it
 * with {@code setns} (or creates it with {@code unshare}), runs the task, and always moves back
 * into the process's namespace before taking other work (a worker that cannot move back ends).
 * Application threads are never moved. Netlink sockets opened on a worker stay in that namespace
 * for their whole life, which is how the other packages configure a namespace from ordinary
 * threads. Entering a mount namespace is not offered: {@code unshare( CLONE_NEWNS)} fails in a
 * multi-threaded process such as a JVM.
 */
package org.nsvpn.namespacemanager.netns;
