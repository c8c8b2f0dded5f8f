package org.nsvpn.simulator.packet;

import org.nsvpn.chainrules.net.MacAddress;

/**
 * Entry point of the fluent packet builders: {@code Packets.ethernet(src, dst).ipv4(a, b).udp(500,
 * 500, payload)} returns an {@link EthernetFrame}; {@code encode()} gives its bytes with every
 * length and checksum computed.
 */
public final class Packets {

  private Packets() {}

  /** A frame from {@code source} to {@code destination}. */
  public static EthernetBuilder ethernet(MacAddress source, MacAddress destination) {
    return new EthernetBuilder(source, destination);
  }

  /** A frame from {@code source} to {@code destination}, MACs as text. */
  public static EthernetBuilder ethernet(String source, String destination) {
    return new EthernetBuilder(MacAddress.parse(source), MacAddress.parse(destination));
  }

  /**
   * Decodes a frame, checksums verified.
   *
   * @throws MalformedPacketException naming the header at fault
   */
  public static EthernetFrame decode(byte[] bytes) {
    return EthernetFrame.decode(bytes);
  }
}
