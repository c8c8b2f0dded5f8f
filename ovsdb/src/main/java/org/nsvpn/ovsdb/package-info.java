/**
 * The OVSDB client implementation: {@link org.nsvpn.ovsdb.Ovsdb#client} creates an {@link
 * org.nsvpn.ovsdb.api.OvsdbClient} that speaks RFC 7047 over Netty, to a unix socket (native epoll
 * transport) or TCP, and reconnects with backoff. Everything else here is package-private; the
 * types a caller uses are in {@code org.nsvpn.ovsdb.api}.
 */
package org.nsvpn.ovsdb;
