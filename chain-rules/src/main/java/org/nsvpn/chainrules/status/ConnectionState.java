package org.nsvpn.chainrules.status;

import org.nsvpn.chainrules.TextEnum;

/**
 * The operator's view of a connection. Only {@link #UP} carries no reason; every other state is
 * explained by a {@link Reason}, whose code decides the state (see {@link ReasonCode#state()}).
 */
public enum ConnectionState implements TextEnum {
  /** Not carrying traffic and not trying: administratively down, waiting, or the peer is gone. */
  DOWN("down"),
  /** Being negotiated or set up; traffic does not flow yet. */
  CONNECTING("connecting"),
  /** A child SA of the connection is installed on an established IKE SA: traffic flows. */
  UP("up"),
  /** Not up because something is wrong that a retry alone will not fix (the reason says what). */
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
