package org.nsvpn.simulator.packet;

import java.util.Optional;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.Ipv6Address;
import org.nsvpn.chainrules.net.MacAddress;

/** Builds an Ethernet frame; the methods that choose the payload finish it. See {@link Packets}. */
public final class EthernetBuilder {
  private final MacAddress source;
  private final MacAddress destination;
  private Optional<VlanTag> vlan = Optional.empty();
  private int minimumLength;

  EthernetBuilder(MacAddress source, MacAddress destination) {
    this.source = Require.nonNull("source mac", source);
    this.destination = Require.nonNull("destination mac", destination);
  }

  /** Adds an 802.1Q tag with this VLAN id (priority 0). */
  public EthernetBuilder vlan(int vlanId) {
    return vlan(VlanTag.of(vlanId));
  }

  public EthernetBuilder vlan(VlanTag tag) {
    this.vlan = Optional.of(Require.nonNull("vlan", tag));
    return this;
  }

  /** Pads the finished frame with zeros to at least this many bytes (60 is Ethernet's minimum). */
  public EthernetBuilder padTo(int minimum) {
    this.minimumLength = Require.inRange("minimum length", minimum, 0, 65535);
    return this;
  }

  /** Finishes the frame with an ARP, IPv4 or IPv6 payload (EtherType follows the payload). */
  public EthernetFrame payload(EthernetPayload payload) {
    int type =
        payload instanceof ArpPacket
            ? EtherType.ARP
            : payload instanceof Ipv4Packet ? EtherType.IPV4 : EtherType.IPV6;
    if (payload instanceof RawPayload) {
      throw new IllegalArgumentException("a raw payload needs an EtherType: use raw(type, bytes)");
    }
    return finish(type, payload);
  }

  /** Finishes the frame with an uninterpreted payload of this EtherType. */
  public EthernetFrame raw(int etherType, Bytes payload) {
    return finish(etherType, new RawPayload(payload));
  }

  /** Finishes the frame with an ARP request from this frame's source MAC. */
  public EthernetFrame arpRequest(Ipv4Address senderIp, Ipv4Address targetIp) {
    return payload(ArpPacket.request(source, senderIp, targetIp));
  }

  /** Finishes the frame with an ARP reply "{@code senderIp} is at (this frame's source MAC)". */
  public EthernetFrame arpReply(Ipv4Address senderIp, MacAddress targetMac, Ipv4Address targetIp) {
    return payload(ArpPacket.reply(source, senderIp, targetMac, targetIp));
  }

  /** Continues with an IPv4 header. */
  public Ipv4Builder ipv4(Ipv4Address src, Ipv4Address dst) {
    return new Ipv4Builder(this, src, dst);
  }

  /** Continues with an IPv4 header, addresses as text. */
  public Ipv4Builder ipv4(String src, String dst) {
    return ipv4(Ipv4Address.parse(src), Ipv4Address.parse(dst));
  }

  /** Continues with an IPv6 header. */
  public Ipv6Builder ipv6(Ipv6Address src, Ipv6Address dst) {
    return new Ipv6Builder(this, src, dst);
  }

  /** Continues with an IPv6 header, addresses as text. */
  public Ipv6Builder ipv6(String src, String dst) {
    return ipv6(Ipv6Address.parse(src), Ipv6Address.parse(dst));
  }

  EthernetFrame finish(int etherType, EthernetPayload payload) {
    return new EthernetFrame(destination, source, vlan, etherType, payload, Bytes.EMPTY)
        .paddedTo(minimumLength);
  }
}
