/**
 * The IPsec tables of the ops-ipsecd design: the shipped schema ({@code ipsec.ovsschema}, see
 * {@link org.nsvpn.ovsdb.ipsec.IpsecSchema}), the status/counter snapshot as immutable values, the
 * one-transaction {@link org.nsvpn.ovsdb.ipsec.IpsecStatusPublisher}, and the {@link
 * org.nsvpn.ovsdb.ipsec.IpsecConfigReader} that turns operator rows into validated config events.
 * Depends only on the OVSDB client API; the agent fills the snapshot.
 */
package org.nsvpn.ovsdb.ipsec;
