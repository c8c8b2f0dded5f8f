package org.nsvpn.strongswan;

import org.nsvpn.chainrules.TextEnum;

/** Why a connection failed, in the operator's words; derived from charon's error notifications. */
public enum FailureKind implements TextEnum {
  AUTHENTICATION_FAILED("authentication failed"),
  PROPOSAL_MISMATCH("proposal mismatch"),
  TRAFFIC_SELECTOR_MISMATCH("traffic selector mismatch"),
  PEER_UNREACHABLE("peer unreachable"),
  SA_INSTALL_FAILED("installing the SA failed"),
  PROTOCOL_ERROR("invalid IKE message"),
  SA_EXPIRED("SA expired"),
  /** charon refused the connection's configuration (load-conn or load-shared failed). */
  CONFIGURATION_REJECTED("configuration rejected"),
  /** The charon process ended. */
  CHARON_EXITED("charon exited"),
  OTHER("error");

  private final String text;

  FailureKind(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }
}
