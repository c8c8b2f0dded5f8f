/**
 * The one status model of an IPsec site connection: its state, the reason it is not up, its IKE and
 * child SAs with SPIs, proposals and counters. The strongSwan layer produces these values, the
 * topology store persists them, the OVSDB publisher translates them into the ops-ipsecd status maps
 * and the CLI prints them. Immutable values, checked in their constructors; no I/O.
 */
package org.nsvpn.chainrules.status;
