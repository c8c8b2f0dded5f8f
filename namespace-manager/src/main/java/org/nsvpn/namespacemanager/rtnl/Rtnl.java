package org.nsvpn.namespacemanager.rtnl;

/**
 * Constants of linux/rtnetlink.h, if_link.h, if_addr.h, neighbour.h, veth.h and if.h. Each group
 * says the C type of the field or attribute it goes into; values always fit that width.
 */
public final class Rtnl {
  /** Address families ({@code __u8} family fields). */
  public static final int AF_UNSPEC = 0;

  public static final int AF_INET = 2;
  public static final int AF_INET6 = 10;

  /** Message types ({@code __u16 nlmsg_type}). */
  public static final int RTM_NEWLINK = 16;

  public static final int RTM_DELLINK = 17;
  public static final int RTM_GETLINK = 18;
  public static final int RTM_NEWADDR = 20;
  public static final int RTM_DELADDR = 21;
  public static final int RTM_GETADDR = 22;
  public static final int RTM_NEWROUTE = 24;
  public static final int RTM_DELROUTE = 25;
  public static final int RTM_GETROUTE = 26;
  public static final int RTM_NEWNEIGH = 28;
  public static final int RTM_DELNEIGH = 29;
  public static final int RTM_GETNEIGH = 30;

  /** Link attributes ({@code IFLA_*}, {@code __u16 nla_type}). */
  public static final int IFLA_ADDRESS = 1;

  public static final int IFLA_IFNAME = 3;
  public static final int IFLA_MTU = 4;
  public static final int IFLA_LINK = 5;
  public static final int IFLA_OPERSTATE = 16;
  public static final int IFLA_LINKINFO = 18;
  public static final int IFLA_NET_NS_FD = 28;
  public static final int IFLA_LINK_NETNSID = 37;

  /** Nested in {@code IFLA_LINKINFO}. */
  public static final int IFLA_INFO_KIND = 1;

  public static final int IFLA_INFO_DATA = 2;

  /** Nested in the veth {@code IFLA_INFO_DATA}: an ifinfomsg plus the peer's attributes. */
  public static final int VETH_INFO_PEER = 1;

  /** Interface flags ({@code __u32 ifi_flags}). */
  public static final int IFF_UP = 0x1;

  public static final int IFF_LOWER_UP = 0x10000;

  /** Address attributes ({@code IFA_*}). */
  public static final int IFA_ADDRESS = 1;

  public static final int IFA_LOCAL = 2;
  public static final int IFA_LABEL = 3;
  public static final int IFA_FLAGS = 8;

  /** Address flags ({@code __u8 ifa_flags}; the full set is the {@code __u32 IFA_FLAGS}). */
  public static final int IFA_F_NODAD = 0x02;

  public static final int IFA_F_PERMANENT = 0x80;

  /** Route attributes ({@code RTA_*}). */
  public static final int RTA_DST = 1;

  public static final int RTA_OIF = 4;
  public static final int RTA_GATEWAY = 5;
  public static final int RTA_PRIORITY = 6;
  public static final int RTA_PREFSRC = 7;
  public static final int RTA_TABLE = 15;

  /** Routing tables ({@code __u8 rtm_table}; {@code __u32 RTA_TABLE} for any table). */
  public static final int RT_TABLE_UNSPEC = 0;

  public static final int RT_TABLE_MAIN = 254;
  public static final int RT_TABLE_LOCAL = 255;

  /** Route origins ({@code __u8 rtm_protocol}). */
  public static final int RTPROT_KERNEL = 2;

  public static final int RTPROT_BOOT = 3;
  public static final int RTPROT_STATIC = 4;

  /** Scopes ({@code __u8 rtm_scope}, {@code __u8 ifa_scope}). */
  public static final int RT_SCOPE_UNIVERSE = 0;

  public static final int RT_SCOPE_LINK = 253;
  public static final int RT_SCOPE_HOST = 254;

  /** Route types ({@code __u8 rtm_type}). */
  public static final int RTN_UNICAST = 1;

  public static final int RTN_LOCAL = 2;
  public static final int RTN_BLACKHOLE = 6;

  /** Neighbour attributes ({@code NDA_*}). */
  public static final int NDA_DST = 1;

  public static final int NDA_LLADDR = 2;
  public static final int NDA_IFINDEX = 8;

  /** Neighbour states ({@code __u16 ndm_state}). */
  public static final int NUD_INCOMPLETE = 0x01;

  public static final int NUD_REACHABLE = 0x02;
  public static final int NUD_STALE = 0x04;
  public static final int NUD_NOARP = 0x40;
  public static final int NUD_PERMANENT = 0x80;

  private Rtnl() {}
}
