package org.nsvpn.simulator.packet;

import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.MacAddress;

/** An ARP packet for IPv4 over Ethernet (RFC 826): hardware type 1, protocol type 0x0800. */
public record ArpPacket(
    int operation,
    MacAddress senderMac,
    Ipv4Address senderIp,
    MacAddress targetMac,
    Ipv4Address targetIp)
    implements EthernetPayload {

  public static final int REQUEST = 1;
  public static final int REPLY = 2;

  /** Bytes of an Ethernet/IPv4 ARP packet. */
  public static final int LENGTH = 28;

  public ArpPacket {
    Require.inRange("arp operation", operation, 0, 0xffff);
    Require.nonNull("arp sender mac", senderMac);
    Require.nonNull("arp sender ip", senderIp);
    Require.nonNull("arp target mac", targetMac);
    Require.nonNull("arp target ip", targetIp);
  }

  /** "Who has {@code targetIp}? Tell {@code senderIp}". The target MAC is zero. */
  public static ArpPacket request(MacAddress senderMac, Ipv4Address senderIp, Ipv4Address target) {
    return new ArpPacket(REQUEST, senderMac, senderIp, MacAddress.ZERO, target);
  }

  /** "{@code senderIp} is at {@code senderMac}", addressed to the asker. */
  public static ArpPacket reply(
      MacAddress senderMac, Ipv4Address senderIp, MacAddress targetMac, Ipv4Address targetIp) {
    return new ArpPacket(REPLY, senderMac, senderIp, targetMac, targetIp);
  }

  @Override
  public int encodedLength() {
    return LENGTH;
  }
}
