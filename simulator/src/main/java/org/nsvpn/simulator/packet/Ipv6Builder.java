package org.nsvpn.simulator.packet;

import java.util.ArrayList;
import java.util.List;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.net.Ipv6Address;

/**
 * Builds an IPv6 packet inside an {@link EthernetBuilder}. Defaults: hop limit 64, traffic class
 * and flow label 0, no extension headers. The methods that choose the payload finish the frame.
 */
public final class Ipv6Builder {
  private final EthernetBuilder ethernet;
  private final Ipv6Address source;
  private final Ipv6Address destination;
  private final List<Ipv6Extension> extensions = new ArrayList<>();
  private int trafficClass;
  private int flowLabel;
  private int hopLimit = 64;

  Ipv6Builder(EthernetBuilder ethernet, Ipv6Address source, Ipv6Address destination) {
    this.ethernet = ethernet;
    this.source = Require.nonNull("ipv6 source", source);
    this.destination = Require.nonNull("ipv6 destination", destination);
  }

  public Ipv6Builder trafficClass(int value) {
    this.trafficClass = value;
    return this;
  }

  public Ipv6Builder flowLabel(int value) {
    this.flowLabel = value;
    return this;
  }

  public Ipv6Builder hopLimit(int value) {
    this.hopLimit = value;
    return this;
  }

  /** Appends an extension header (in wire order). */
  public Ipv6Builder extension(Ipv6Extension extension) {
    extensions.add(Require.nonNull("ipv6 extension", extension));
    return this;
  }

  public EthernetFrame udp(int sourcePort, int destinationPort, Bytes payload) {
    return payload(UdpDatagram.of(sourcePort, destinationPort, payload));
  }

  public EthernetFrame tcp(int sourcePort, int destinationPort, int flags) {
    return payload(TcpSegment.of(sourcePort, destinationPort, flags));
  }

  public EthernetFrame esp(long spi, long sequence, Bytes rest) {
    return payload(new EspPacket(spi, sequence, rest));
  }

  /** Finishes with an uninterpreted payload of this upper-layer protocol. */
  public EthernetFrame raw(int protocol, Bytes bytes) {
    return finish(protocol, new RawIpPayload(bytes));
  }

  /** Finishes with a UDP, TCP or ESP payload; the protocol is the payload's. */
  public EthernetFrame payload(IpPayload payload) {
    return finish(payload.protocol(), payload);
  }

  private EthernetFrame finish(int protocol, IpPayload payload) {
    Ipv6Packet packet =
        new Ipv6Packet(
            trafficClass, flowLabel, hopLimit, protocol, source, destination, extensions, payload);
    return ethernet.finish(EtherType.IPV6, packet);
  }
}
