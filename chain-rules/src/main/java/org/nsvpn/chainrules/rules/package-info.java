/**
 * Rule chains in the MidoNet model: a {@link org.nsvpn.chainrules.rules.Condition} of match fields
 * (each optionally inverted, and the whole conjunction optionally inverted), rules with literal,
 * jump and l2-transform (redirect) actions, ordered {@link org.nsvpn.chainrules.rules.Chain}s, and
 * the {@link org.nsvpn.chainrules.rules.ChainEvaluator} that runs a packet through them.
 *
 * <p>Packets are seen only through {@link org.nsvpn.chainrules.rules.PacketFields}, which the
 * simulator implements over real frames; this package knows nothing of bytes.
 */
package org.nsvpn.chainrules.rules;
