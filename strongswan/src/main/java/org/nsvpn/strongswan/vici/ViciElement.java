package org.nsvpn.strongswan.vici;

/** What a name maps to inside a {@link ViciSection}: a value, a list of values or a section. */
public sealed interface ViciElement permits ViciValue, ViciList, ViciSection {}
