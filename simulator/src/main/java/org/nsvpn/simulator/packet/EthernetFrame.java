package org.nsvpn.simulator.packet;

import java.util.Optional;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.net.MacAddress;

/**
 * An Ethernet II frame (without preamble and FCS) as a value. {@link #decode} and {@link #encode}
 * are inverse: every byte, padding included, survives a round trip.
 *
 * <p>The EtherType must agree with the payload: ARP, IPv4 and IPv6 frames carry their records, any
 * other type a {@link RawPayload}. {@code padding} is what follows the ARP or IP packet up to the
 * end of the frame (senders pad frames to the 60-byte minimum); a raw payload has none.
 */
public record EthernetFrame(
    MacAddress destination,
    MacAddress source,
    Optional<VlanTag> vlan,
    int etherType,
    EthernetPayload payload,
    Bytes padding) {

  /** The minimum frame length without FCS; shorter frames are padded by senders. */
  public static final int MINIMUM_LENGTH = 60;

  public EthernetFrame {
    Require.nonNull("destination mac", destination);
    Require.nonNull("source mac", source);
    Require.nonNull("vlan", vlan);
    Require.inRange("ethertype", etherType, 0, 0xffff);
    Require.nonNull("payload", payload);
    Require.nonNull("padding", padding);
    int expected =
        payload instanceof ArpPacket
            ? EtherType.ARP
            : payload instanceof Ipv4Packet
                ? EtherType.IPV4
                : payload instanceof Ipv6Packet ? EtherType.IPV6 : -1;
    if (expected >= 0 && etherType != expected) {
      throw new InvalidValueException(
          "ethertype",
          String.format("0x%04x", etherType),
          "does not match the payload " + payload.getClass().getSimpleName());
    }
    if (expected < 0) {
      if (etherType == EtherType.ARP
          || etherType == EtherType.IPV4
          || etherType == EtherType.IPV6
          || (etherType == EtherType.VLAN && vlan.isEmpty())) {
        throw new InvalidValueException(
            "ethertype",
            String.format("0x%04x", etherType),
            "is decoded as its own payload record; a raw payload cannot carry it");
      }
      if (!padding.isEmpty()) {
        throw new InvalidValueException(
            "padding", padding.length() + " bytes", "a raw payload already holds every byte");
      }
    }
  }

  /** An untagged, unpadded frame; the EtherType is the payload's. */
  public static EthernetFrame of(
      MacAddress destination, MacAddress source, EthernetPayload payload) {
    return new EthernetFrame(
        destination, source, Optional.empty(), etherTypeOf(payload), payload, Bytes.EMPTY);
  }

  private static int etherTypeOf(EthernetPayload payload) {
    if (payload instanceof ArpPacket) {
      return EtherType.ARP;
    }
    if (payload instanceof Ipv4Packet) {
      return EtherType.IPV4;
    }
    if (payload instanceof Ipv6Packet) {
      return EtherType.IPV6;
    }
    throw new InvalidValueException(
        "payload", "RawPayload", "needs an explicit EtherType; use the canonical constructor");
  }

  /**
   * Decodes and validates a frame, checksums included.
   *
   * @throws MalformedPacketException naming the header at fault
   */
  public static EthernetFrame decode(byte[] bytes) {
    Frame frame = new Frame();
    if (!frame.parse(bytes, 0, bytes.length, true)) {
      throw new MalformedPacketException(frame.error(), frame.errorDetail());
    }
    return PacketDecoder.decode(frame);
  }

  /** The frame on the wire, every checksum and length computed. */
  public byte[] encode() {
    return PacketEncoder.encode(this);
  }

  /** This frame padded with zeros to at least {@code minimumLength} bytes. */
  public EthernetFrame paddedTo(int minimumLength) {
    int missing = minimumLength - encodedLength();
    if (missing <= 0) {
      return this;
    }
    if (payload instanceof RawPayload raw) {
      byte[] bytes = new byte[raw.bytes().length() + missing];
      raw.bytes().copyTo(bytes, 0);
      return new EthernetFrame(
          destination, source, vlan, etherType, new RawPayload(Bytes.adopt(bytes)), padding);
    }
    byte[] bytes = new byte[padding.length() + missing];
    padding.copyTo(bytes, 0);
    return new EthernetFrame(destination, source, vlan, etherType, payload, Bytes.adopt(bytes));
  }

  public int headerLength() {
    return vlan.isPresent() ? 18 : 14;
  }

  public int encodedLength() {
    return headerLength() + payload.encodedLength() + padding.length();
  }
}
