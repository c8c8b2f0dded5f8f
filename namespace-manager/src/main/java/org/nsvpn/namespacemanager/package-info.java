/**
 * The namespace manager: realises a chain-rules {@link org.nsvpn.chainrules.vpn.NamespaceSpec} on
 * this host over netlink, idempotently, and reports exactly what it changed ({@link
 * org.nsvpn.namespacemanager.NamespaceManager}).
 *
 * <p>Layers below, each usable on its own: {@code ffi} (system calls), {@code netlink} (the wire
 * protocol), {@code netns} (iproute2-compatible named namespaces and running code inside them),
 * {@code rtnl} (links, addresses, routes, neighbours, sysctls), {@code xfrm} (SAs and policies),
 * {@code packet} (AF_PACKET sockets for the datapath). strongSwan lives in its own module, which
 * builds on these.
 */
package org.nsvpn.namespacemanager;
