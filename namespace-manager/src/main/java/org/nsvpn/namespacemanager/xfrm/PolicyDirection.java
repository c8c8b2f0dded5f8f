package org.nsvpn.namespacemanager.xfrm;

/** The {@code __u8 dir} of a policy: traffic it applies to. */
public enum PolicyDirection {
  IN(XfrmConstants.XFRM_POLICY_IN),
  OUT(XfrmConstants.XFRM_POLICY_OUT),
  FWD(XfrmConstants.XFRM_POLICY_FWD);

  private final int code;

  PolicyDirection(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The direction with kernel code {@code code}; socket policies (3+) are not handled here. */
  public static PolicyDirection of(int code) {
    for (PolicyDirection d : values()) {
      if (d.code == code) {
        return d;
      }
    }
    throw new IllegalArgumentException("XFRM policy direction " + code + " unknown");
  }
}
