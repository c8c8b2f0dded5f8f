/**
 * The virtual topology as immutable values: routers, bridges, their ports and host bindings, VPN
 * services and IPsec site connections with their IKE/IPsec policies, and {@link
 * org.nsvpn.chainrules.model.Topology}, a consistent snapshot of all of them. Every constructor
 * validates its arguments and names the offending field when it refuses one.
 */
package org.nsvpn.chainrules.model;
