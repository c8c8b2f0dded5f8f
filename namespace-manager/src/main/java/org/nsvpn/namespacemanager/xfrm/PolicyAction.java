package org.nsvpn.namespacemanager.xfrm;

/**
 * The {@code __u8 action} of a policy: let matching traffic pass (through its templates) or drop
 * it.
 */
public enum PolicyAction {
  ALLOW(XfrmConstants.XFRM_POLICY_ALLOW),
  BLOCK(XfrmConstants.XFRM_POLICY_BLOCK);

  private final int code;

  PolicyAction(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static PolicyAction of(int code) {
    return code == XfrmConstants.XFRM_POLICY_BLOCK ? BLOCK : ALLOW;
  }
}
