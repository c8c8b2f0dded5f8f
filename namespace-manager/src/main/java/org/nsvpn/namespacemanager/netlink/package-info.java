/**
 * The netlink wire protocol, independent of any family: the message header ({@link
 * org.nsvpn.namespacemanager.netlink.NlMsgHdr}), type-length-value attributes with 4-byte alignment
 * and nesting ({@link org.nsvpn.namespacemanager.netlink.MessageWriter}, {@link
 * org.nsvpn.namespacemanager.netlink.Attributes}), acknowledgements with the kernel's extended-ack
 * error strings ({@link org.nsvpn.namespacemanager.netlink.NlMsgErr}), multi-part dumps and
 * sequence numbers ({@link org.nsvpn.namespacemanager.netlink.NetlinkSocket}).
 *
 * <p>All multi-byte fields are in host byte order (little-endian on the machines nsvpn supports),
 * except where a family's header says {@code __be}: those are written explicitly big-endian by the
 * family's codec.
 */
package org.nsvpn.namespacemanager.netlink;
