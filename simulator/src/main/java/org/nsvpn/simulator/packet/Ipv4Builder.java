package org.nsvpn.simulator.packet;

import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.net.Ipv4Address;

/**
 * Builds an IPv4 packet inside an {@link EthernetBuilder}. Defaults: TTL 64, don't-fragment set,
 * identification 0, TOS 0, no options. The methods that choose the payload finish the frame.
 */
public final class Ipv4Builder {
  private final EthernetBuilder ethernet;
  private final Ipv4Address source;
  private final Ipv4Address destination;
  private int tos;
  private int identification;
  private int flags = Ipv4Packet.FLAG_DONT_FRAGMENT;
  private int fragmentOffset;
  private int ttl = 64;
  private Bytes options = Bytes.EMPTY;

  Ipv4Builder(EthernetBuilder ethernet, Ipv4Address source, Ipv4Address destination) {
    this.ethernet = ethernet;
    this.source = Require.nonNull("ipv4 source", source);
    this.destination = Require.nonNull("ipv4 destination", destination);
  }

  public Ipv4Builder tos(int value) {
    this.tos = value;
    return this;
  }

  public Ipv4Builder identification(int value) {
    this.identification = value;
    return this;
  }

  public Ipv4Builder ttl(int value) {
    this.ttl = value;
    return this;
  }

  public Ipv4Builder dontFragment(boolean set) {
    flags = set ? flags | Ipv4Packet.FLAG_DONT_FRAGMENT : flags & ~Ipv4Packet.FLAG_DONT_FRAGMENT;
    return this;
  }

  /**
   * Makes the packet a fragment: {@code offset} in 8-byte units, {@code more} the MF flag. Clears
   * don't-fragment. The payload must then be given with {@link #raw}.
   */
  public Ipv4Builder fragment(int offset, boolean more) {
    this.fragmentOffset = offset;
    flags = more ? Ipv4Packet.FLAG_MORE_FRAGMENTS : 0;
    return this;
  }

  public Ipv4Builder options(Bytes value) {
    this.options = value;
    return this;
  }

  public EthernetFrame udp(int sourcePort, int destinationPort) {
    return udp(sourcePort, destinationPort, Bytes.EMPTY);
  }

  public EthernetFrame udp(int sourcePort, int destinationPort, Bytes payload) {
    return payload(UdpDatagram.of(sourcePort, destinationPort, payload));
  }

  public EthernetFrame tcp(int sourcePort, int destinationPort, int flags) {
    return payload(TcpSegment.of(sourcePort, destinationPort, flags));
  }

  public EthernetFrame icmpEchoRequest(int identifier, int sequence, Bytes data) {
    return payload(IcmpPacket.echoRequest(identifier, sequence, data));
  }

  public EthernetFrame icmpEchoReply(int identifier, int sequence, Bytes data) {
    return payload(IcmpPacket.echoReply(identifier, sequence, data));
  }

  public EthernetFrame esp(long spi, long sequence, Bytes rest) {
    return payload(new EspPacket(spi, sequence, rest));
  }

  /** Finishes with an uninterpreted payload of this protocol (fragments, other protocols). */
  public EthernetFrame raw(int protocol, Bytes bytes) {
    return finish(protocol, new RawIpPayload(bytes));
  }

  /** Finishes with an ICMP, UDP, TCP or ESP payload; the protocol is the payload's. */
  public EthernetFrame payload(IpPayload payload) {
    return finish(payload.protocol(), payload);
  }

  private EthernetFrame finish(int protocol, IpPayload payload) {
    Ipv4Packet packet =
        new Ipv4Packet(
            tos,
            identification,
            flags,
            fragmentOffset,
            ttl,
            protocol,
            source,
            destination,
            options,
            payload);
    return ethernet.finish(EtherType.IPV4, packet);
  }
}
