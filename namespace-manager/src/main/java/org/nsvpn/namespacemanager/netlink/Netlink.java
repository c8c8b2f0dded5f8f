package org.nsvpn.namespacemanager.netlink;

/**
 * Constants of linux/netlink.h. Message types and flags are {@code __u16} fields of the header;
 * socket options are {@code int}; attribute types are {@code __u16} with two flag bits on top.
 */
public final class Netlink {
  /** Protocol families ({@code socket(AF_NETLINK, SOCK_RAW, protocol)}). */
  public static final int NETLINK_ROUTE = 0;

  public static final int NETLINK_XFRM = 6;

  /** Control message types, below every family's own types. */
  public static final int NLMSG_NOOP = 1;

  public static final int NLMSG_ERROR = 2;
  public static final int NLMSG_DONE = 3;
  public static final int NLMSG_OVERRUN = 4;

  /** Header flags, all requests. */
  public static final int NLM_F_REQUEST = 0x1;

  public static final int NLM_F_MULTI = 0x2;
  public static final int NLM_F_ACK = 0x4;
  public static final int NLM_F_DUMP_INTR = 0x10;

  /** Header flags of GET requests. */
  public static final int NLM_F_DUMP = 0x300;

  /** Header flags of NEW requests. */
  public static final int NLM_F_REPLACE = 0x100;

  public static final int NLM_F_EXCL = 0x200;
  public static final int NLM_F_CREATE = 0x400;

  /** Header flags of acknowledgements. */
  public static final int NLM_F_CAPPED = 0x100;

  public static final int NLM_F_ACK_TLVS = 0x200;

  /** Socket options at level {@code SOL_NETLINK}. */
  public static final int SOL_NETLINK = 270;

  public static final int NETLINK_CAP_ACK = 10;
  public static final int NETLINK_EXT_ACK = 11;
  public static final int NETLINK_GET_STRICT_CHK = 12;

  /** Extended-ack attributes after an {@code nlmsgerr}. */
  public static final int NLMSGERR_ATTR_MSG = 1;

  public static final int NLMSGERR_ATTR_OFFS = 2;

  /** Attribute type flags and mask. */
  public static final int NLA_F_NESTED = 1 << 15;

  public static final int NLA_F_NET_BYTEORDER = 1 << 14;
  public static final int NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

  /** Header and attribute alignment. */
  public static final int ALIGNTO = 4;

  private Netlink() {}

  /** Rounds {@code length} up to the netlink alignment. */
  public static int align(int length) {
    return (length + ALIGNTO - 1) & ~(ALIGNTO - 1);
  }
}
