/**
 * The VPN redirect plan: everything a VPN service requires of the virtual topology (a namespace
 * port on the router, l2-transform redirect rules for ESP, IKE and NAT-T, routes from local to peer
 * CIDRs) and of the host (the IPsec namespace: interface, addresses, default route, static ARP),
 * computed as one value from a topology snapshot; plus the link-local /30 allocator and the
 * derivation of kernel names from ids.
 *
 * <p>The plan is a pure function of its inputs. Every object it creates has an id derived from the
 * VPN service id, so recomputing a plan after a restart yields the same ids, and what a service
 * owns can be told apart from what operators or other services own.
 */
package org.nsvpn.chainrules.vpn;
