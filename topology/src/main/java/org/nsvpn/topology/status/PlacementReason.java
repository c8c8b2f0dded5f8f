package org.nsvpn.topology.status;

import org.nsvpn.chainrules.TextEnum;

/** Why the scheduler put a VPN service on the host it is assigned to. */
public enum PlacementReason implements TextEnum {
  /** The service's first placement (or its group had no usable member before). */
  PLACED("placed"),
  /** The previous host's agent lost its ZooKeeper session (host or agent dead, or cut off). */
  HOST_DEAD("host-dead"),
  /** The previous host was put in maintenance and drained. */
  HOST_MAINTENANCE("host-maintenance"),
  /** The previous host left the service's gateway group, or the service changed group. */
  NOT_A_MEMBER("not-a-member");

  private final String text;

  PlacementReason(String text) {
    this.text = text;
  }

  @Override
  public String text() {
    return text;
  }

  public static PlacementReason parse(String field, String text) {
    return TextEnum.parse(PlacementReason.class, field, text);
  }
}
