/**
 * XFRM ({@code NETLINK_XFRM}), the kernel's IPsec database: security associations (SAs) and
 * security policies (SPs), dumped with their lifetime counters (bytes, packets, add time, use time)
 * and statistics, added and deleted. Block and allow policies give fail-closed behaviour without an
 * IKE daemon; SAs with manual keys serve ops-ipsecd's manual SA rows.
 *
 * <p>Each struct of linux/xfrm.h used on the wire is a public record with {@code encode}/{@code
 * decode}. A kernel built without a transform (here: no ESP) refuses such SAs; that failure is the
 * typed {@link org.nsvpn.namespacemanager.xfrm.TransformUnsupportedException}, so callers can fall
 * back (for instance to strongSwan's user-space ESP).
 */
package org.nsvpn.namespacemanager.xfrm;
