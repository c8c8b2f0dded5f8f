package org.nsvpn.topology.status;

import org.nsvpn.chainrules.TextEnum;

/** The state of a VPN service on the host that runs it. */
public enum ServiceState implements TextEnum {
  /** Accepted by an agent, not yet realised (namespace, rules, charon). */
  PENDING("pending"),
  /** Namespace, redirect rules, routes and charon are in place. */
  ACTIVE("active"),
  /** Administratively down: nothing realised. */
  DOWN("down"),
  /** The agent failed to realise the service; the reason says why. */
  ERROR("error");

  private final String text;

  ServiceState(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }

  public static ServiceState parse(String field, String text) {
    return TextEnum.parse(ServiceState.class, field, text);
  }
}
