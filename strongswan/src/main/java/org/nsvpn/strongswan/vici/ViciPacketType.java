package org.nsvpn.strongswan.vici;

import java.util.Optional;

/** The packet types of the VICI packet layer, with their wire codes and shapes. */
public enum ViciPacketType {
  /** A named command request with a message. */
  CMD_REQUEST(0, true, true),
  /** The response to the command in flight. */
  CMD_RESPONSE(1, false, true),
  /** The daemon knows no such command. */
  CMD_UNKNOWN(2, false, false),
  /** Register for a named event. */
  EVENT_REGISTER(3, true, false),
  /** Unregister from a named event. */
  EVENT_UNREGISTER(4, true, false),
  /** (Un)registration succeeded. */
  EVENT_CONFIRM(5, false, false),
  /** (Un)registration failed: no such event. */
  EVENT_UNKNOWN(6, false, false),
  /** A named event with a message. */
  EVENT(7, true, true);

  private static final ViciPacketType[] BY_CODE = values();

  private final int code;
  private final boolean named;
  private final boolean hasMessage;

  ViciPacketType(int code, boolean named, boolean hasMessage) {
    this.code = code;
    this.named = named;
    this.hasMessage = hasMessage;
  }

  public int code() {
    return code;
  }

  /** True when a name follows the type byte. */
  public boolean isNamed() {
    return named;
  }

  /** True when a message follows the type (and name). */
  public boolean hasMessage() {
    return hasMessage;
  }

  /** The type with this wire code, if any. */
  public static Optional<ViciPacketType> ofCode(int code) {
    return code >= 0 && code < BY_CODE.length ? Optional.of(BY_CODE[code]) : Optional.empty();
  }
}
