package org.nsvpn.chainrules.status;

import org.nsvpn.chainrules.TextEnum;

/**
 * Why a connection is not up, as a stable code for programs (the text form is what the store,
 * OVSDB's {@code reason_code} key and the CLI carry) with a default description for people. Each
 * code implies the connection's state.
 */
public enum ReasonCode implements TextEnum {
  /** The connection or its VPN service is administratively down. */
  ADMIN_DOWN("admin-down", "administratively down", ConnectionState.DOWN),
  /** A response-only connection whose peer has not initiated. */
  WAITING_FOR_PEER("waiting-for-peer", "waiting for the peer to initiate", ConnectionState.DOWN),
  /** Loaded into charon, no negotiation started yet. */
  NOT_ESTABLISHED("not-established", "no IKE SA yet", ConnectionState.CONNECTING),
  /** An IKE SA is being negotiated. */
  NEGOTIATING("negotiating", "IKE SA being negotiated", ConnectionState.CONNECTING),
  /** The IKE SA is established but no child SA of the connection is installed. */
  NO_CHILD_SA(
      "no-child-sa", "IKE SA established, no child SA installed yet", ConnectionState.CONNECTING),
  /** The VPN service is being set up on its host (namespace, rules, charon). */
  PROVISIONING("provisioning", "VPN service being provisioned", ConnectionState.CONNECTING),
  /** The VPN namespace vanished and is being rebuilt. */
  NAMESPACE_REPAIR(
      "namespace-repair", "VPN namespace missing, being rebuilt", ConnectionState.CONNECTING),
  /** Either side refused the other's credentials. */
  AUTHENTICATION_FAILED("authentication-failed", "authentication failed", ConnectionState.ERROR),
  /** The two sides have no IKE or ESP/AH proposal in common. */
  NO_PROPOSAL_CHOSEN("no-proposal-chosen", "no proposal chosen", ConnectionState.ERROR),
  /** The responder did not accept the traffic selectors (local and peer CIDRs). */
  TS_UNACCEPTABLE("ts-unacceptable", "traffic selectors unacceptable", ConnectionState.ERROR),
  /** Nothing answered: every retransmission of the first exchange went unanswered. */
  PEER_UNREACHABLE("peer-unreachable", "peer unreachable", ConnectionState.DOWN),
  /** An established peer stopped answering (dead peer detection). */
  DEAD_PEER("dead-peer", "dead peer detected", ConnectionState.DOWN),
  /** The negotiated SA could not be installed in the kernel or libipsec. */
  SA_INSTALL_FAILED("sa-install-failed", "installing the SA failed", ConnectionState.ERROR),
  /** A peer sent an IKE message charon could not parse. */
  PROTOCOL_ERROR("protocol-error", "invalid IKE message", ConnectionState.ERROR),
  /** The charon of the VPN service ended unexpectedly; it is being restarted. */
  CHARON_EXITED("charon-exited", "charon exited, restarting", ConnectionState.ERROR),
  /** The charon of the VPN service was stopped on purpose. */
  CHARON_STOPPED("charon-stopped", "charon stopped", ConnectionState.DOWN),
  /** nsvpn or charon refused the connection's configuration; only a change can fix it. */
  CONFIGURATION_INVALID("configuration-invalid", "configuration invalid", ConnectionState.ERROR),
  /** A failure charon reported that fits none of the above. */
  OTHER("other", "error", ConnectionState.ERROR);

  private final String text;
  private final String description;
  private final ConnectionState state;

  ReasonCode(String text, String description, ConnectionState state) {
    this.text = text;
    this.description = description;
    this.state = state;
  }

  @Override
  public String text() {
    return text;
  }

  /** The default human description ("authentication failed"). */
  public String description() {
    return description;
  }

  /** The state a connection with this reason is in. */
  public ConnectionState state() {
    return state;
  }

  public static ReasonCode parse(String field, String text) {
    return TextEnum.parse(ReasonCode.class, field, text);
  }
}
