package org.nsvpn.strongswan.vici;

import java.util.Objects;
import java.util.Optional;

/**
 * One VICI packet: its type, its name when the type is named (a command or event name), and its
 * message when the type carries one (otherwise the empty section).
 */
public record ViciPacket(ViciPacketType type, Optional<String> name, ViciSection message) {
  public ViciPacket {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(message, "message");
    if (type.isNamed() != name.isPresent()) {
      throw new IllegalArgumentException(
          type + (type.isNamed() ? " needs a name" : " carries no name but got " + name.get()));
    }
    name.ifPresent(ViciSection::checkName);
    if (!type.hasMessage() && !message.isEmpty()) {
      throw new IllegalArgumentException(type + " carries no message");
    }
  }

  public static ViciPacket request(String command, ViciSection arguments) {
    return new ViciPacket(ViciPacketType.CMD_REQUEST, Optional.of(command), arguments);
  }

  public static ViciPacket response(ViciSection message) {
    return new ViciPacket(ViciPacketType.CMD_RESPONSE, Optional.empty(), message);
  }

  public static ViciPacket event(String event, ViciSection message) {
    return new ViciPacket(ViciPacketType.EVENT, Optional.of(event), message);
  }

  public static ViciPacket register(String event) {
    return new ViciPacket(ViciPacketType.EVENT_REGISTER, Optional.of(event), ViciSection.empty());
  }

  public static ViciPacket unregister(String event) {
    return new ViciPacket(ViciPacketType.EVENT_UNREGISTER, Optional.of(event), ViciSection.empty());
  }

  /** A packet of a type that has neither name nor message (CMD_UNKNOWN, EVENT_CONFIRM, ...). */
  public static ViciPacket bare(ViciPacketType type) {
    return new ViciPacket(type, Optional.empty(), ViciSection.empty());
  }

  @Override
  public String toString() {
    return type + name.map(n -> " " + n).orElse("") + (message.isEmpty() ? "" : " " + message);
  }
}
