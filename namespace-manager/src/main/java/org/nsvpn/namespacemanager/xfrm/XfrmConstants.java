package org.nsvpn.namespacemanager.xfrm;

/** Constants of linux/xfrm.h and linux/in.h, with the C width of the field each goes into. */
public final class XfrmConstants {
  /** Message types ({@code __u16 nlmsg_type}). */
  public static final int XFRM_MSG_NEWSA = 16;

  public static final int XFRM_MSG_DELSA = 17;
  public static final int XFRM_MSG_GETSA = 18;
  public static final int XFRM_MSG_NEWPOLICY = 19;
  public static final int XFRM_MSG_DELPOLICY = 20;
  public static final int XFRM_MSG_GETPOLICY = 21;

  /** Attributes ({@code XFRMA_*}). */
  public static final int XFRMA_ALG_CRYPT = 2;

  public static final int XFRMA_TMPL = 5;
  public static final int XFRMA_ALG_AEAD = 18;
  public static final int XFRMA_ALG_AUTH_TRUNC = 20;

  /** IP protocols of transforms ({@code __u8 id.proto}). */
  public static final int IPPROTO_ESP = 50;

  public static final int IPPROTO_AH = 51;
  public static final int IPPROTO_COMP = 108;

  /** Modes ({@code __u8 mode}). */
  public static final int XFRM_MODE_TRANSPORT = 0;

  public static final int XFRM_MODE_TUNNEL = 1;

  /** Policy directions ({@code __u8 dir}). */
  public static final int XFRM_POLICY_IN = 0;

  public static final int XFRM_POLICY_OUT = 1;
  public static final int XFRM_POLICY_FWD = 2;

  /** Policy actions ({@code __u8 action}). */
  public static final int XFRM_POLICY_ALLOW = 0;

  public static final int XFRM_POLICY_BLOCK = 1;

  /** "No limit" in a {@code __u64} lifetime limit. */
  public static final long XFRM_INF = -1L;

  /** Address families ({@code __u16 family}). */
  public static final int AF_INET = 2;

  public static final int AF_INET6 = 10;

  private XfrmConstants() {}
}
