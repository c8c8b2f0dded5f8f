/**
 * The embedded ovsdb-server: for a single machine with no OVSDB of its own, the agent runs one
 * {@code ovsdb-server} holding the IPsec database, in a private directory. Started once and adopted
 * afterwards (an agent restart keeps it), found again by its pid file, stopped only by pid.
 */
package org.nsvpn.ovsdb.server;
