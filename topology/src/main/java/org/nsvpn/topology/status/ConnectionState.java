package org.nsvpn.topology.status;

import org.nsvpn.chainrules.TextEnum;

/** The state of an IPsec site connection as its agent last saw it. */
public enum ConnectionState implements TextEnum {
  /** Not established and not trying: administratively down, or waiting for the peer. */
  DOWN("down"),
  /** IKE negotiation under way. */
  CONNECTING("connecting"),
  /** The IKE SA and at least one child SA are established. */
  UP("up"),
  /** The agent could not configure or negotiate the connection; the reason says why. */
  ERROR("error");

  private final String text;

  ConnectionState(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }

  public static ConnectionState parse(String field, String text) {
    return TextEnum.parse(ConnectionState.class, field, text);
  }
}
