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
 * threads. Workers do not change mount namespace: a thread of a multi-threaded process cannot
 * {@code setns} into one, and a worker must be able to move back. (A thread can {@code
 * unshare(CLONE_NEWNS)} for good; the strongSwan launcher does that on a thread of its own.)
 */
package org.nsvpn.namespacemanager.netns;
