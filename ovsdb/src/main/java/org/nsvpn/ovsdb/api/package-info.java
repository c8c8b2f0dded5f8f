/**
 * The public surface of the OVSDB client: the {@link org.nsvpn.ovsdb.api.OvsdbClient} interface and
 * its lifecycle, RFC 7047 values as types (atoms, uuid, named-uuid, set, map, rows), typed transact
 * operations and their results, monitor requests and updates, and the exceptions that futures fail
 * with. Pure values and interfaces: no Netty, no JSON library types.
 */
package org.nsvpn.ovsdb.api;
