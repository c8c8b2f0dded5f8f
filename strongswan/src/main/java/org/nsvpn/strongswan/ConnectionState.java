package org.nsvpn.strongswan;

import org.nsvpn.chainrules.TextEnum;

/** The operator's view of a connection. */
public enum ConnectionState implements TextEnum {
  /** Not configured in charon, administratively down, or waiting for the peer to connect. */
  DOWN("down"),
  /** An IKE or child SA is being negotiated. */
  CONNECTING("connecting"),
  /** An IKE SA is established with an installed child SA: traffic flows. */
  UP("up"),
  /** Not up, and the last attempt failed for a known reason (see the status's error). */
  ERROR("error");

  private final String text;

  ConnectionState(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }
}
