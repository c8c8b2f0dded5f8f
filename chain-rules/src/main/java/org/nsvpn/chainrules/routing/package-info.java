/**
 * Routes and the per-router route table. Routes match on destination and source prefix (MidoNet
 * semantics); {@link org.nsvpn.chainrules.routing.RouteTable} indexes them in two levels of
 * path-compressed binary tries so that lookups cost a walk of at most 33 (IPv4) or 129 (IPv6) nodes
 * per level, whatever the number of routes.
 */
package org.nsvpn.chainrules.routing;
