/**
 * The Linux system calls the JDK lacks, bound with jnr-ffi: netlink sockets (socket, bind,
 * setsockopt, sendto, recvmsg, close), namespaces (setns, unshare), mounts (mount, umount2), open
 * and statfs.
 *
 * <p>Every call that fails throws {@link org.nsvpn.namespacemanager.ffi.SystemCallException} naming
 * the operation (with its arguments) and the errno by name, so a log line says {@code
 * setns(/run/netns/vpn-1, CLONE_NEWNET): EINVAL (Invalid argument)} rather than "-1". Nothing here
 * knows about netlink messages or namespaces by name; that is the job of the packages above.
 *
 * <p>Constants are Linux's generic ABI values (x86-64 and arm64 agree on all used here).
 */
package org.nsvpn.namespacemanager.ffi;
