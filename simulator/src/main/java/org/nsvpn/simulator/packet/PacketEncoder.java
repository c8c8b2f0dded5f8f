package org.nsvpn.simulator.packet;

import java.util.List;
import org.nsvpn.chainrules.net.Ipv6Address;

/** Writes the value model to bytes, computing lengths and checksums. */
final class PacketEncoder {

  private PacketEncoder() {}

  static byte[] encode(EthernetFrame frame) {
    byte[] out = new byte[frame.encodedLength()];
    frame.destination().writeTo(out, 0);
    frame.source().writeTo(out, 6);
    int p = 12;
    if (frame.vlan().isPresent()) {
      put16(out, p, EtherType.VLAN);
      put16(out, p + 2, frame.vlan().get().tci());
      p += 4;
    }
    put16(out, p, frame.etherType());
    p += 2;
    EthernetPayload payload = frame.payload();
    if (payload instanceof ArpPacket arp) {
      arp(out, p, arp);
    } else if (payload instanceof Ipv4Packet ip) {
      ipv4(out, p, ip);
    } else if (payload instanceof Ipv6Packet ip) {
      ipv6(out, p, ip);
    } else {
      ((RawPayload) payload).bytes().copyTo(out, p);
    }
    frame.padding().copyTo(out, p + payload.encodedLength());
    return out;
  }

  private static void arp(byte[] out, int p, ArpPacket arp) {
    put16(out, p, 1);
    put16(out, p + 2, EtherType.IPV4);
    out[p + 4] = 6;
    out[p + 5] = 4;
    put16(out, p + 6, arp.operation());
    arp.senderMac().writeTo(out, p + 8);
    put32(out, p + 14, arp.senderIp().bits());
    arp.targetMac().writeTo(out, p + 18);
    put32(out, p + 24, arp.targetIp().bits());
  }

  private static void ipv4(byte[] out, int p, Ipv4Packet ip) {
    int header = ip.headerLength();
    out[p] = (byte) (0x40 | header / 4);
    out[p + 1] = (byte) ip.tos();
    put16(out, p + 2, ip.encodedLength());
    put16(out, p + 4, ip.identification());
    put16(out, p + 6, ip.flags() << 13 | ip.fragmentOffset());
    out[p + 8] = (byte) ip.ttl();
    out[p + 9] = (byte) ip.protocol();
    put32(out, p + 12, ip.source().bits());
    put32(out, p + 16, ip.destination().bits());
    ip.options().copyTo(out, p + 20);
    put16(out, p + 10, Checksums.of(out, p, header));
    IpPayload payload = ip.payload();
    long pseudo =
        Checksums.ipv4PseudoHeader(
            ip.source().bits(), ip.destination().bits(), ip.protocol(), payload.encodedLength());
    l4(out, p + header, payload, pseudo, true);
  }

  private static void ipv6(byte[] out, int p, Ipv6Packet ip) {
    put32(out, p, 6 << 28 | ip.trafficClass() << 20 | ip.flowLabel());
    put16(out, p + 4, ip.payloadLength());
    List<Ipv6Extension> extensions = ip.extensions();
    out[p + 6] = (byte) (extensions.isEmpty() ? ip.protocol() : extensions.get(0).type());
    out[p + 7] = (byte) ip.hopLimit();
    Ipv6Address src = ip.source();
    Ipv6Address dst = ip.destination();
    put64(out, p + 8, src.high());
    put64(out, p + 16, src.low());
    put64(out, p + 24, dst.high());
    put64(out, p + 32, dst.low());
    int off = p + 40;
    for (int i = 0; i < extensions.size(); i++) {
      Ipv6Extension e = extensions.get(i);
      out[off] = (byte) (i + 1 < extensions.size() ? extensions.get(i + 1).type() : ip.protocol());
      e.body().copyTo(out, off + 1);
      off += e.encodedLength();
    }
    IpPayload payload = ip.payload();
    long pseudo =
        Checksums.ipv6PseudoHeader(
            src.high(), src.low(), dst.high(), dst.low(), ip.protocol(), payload.encodedLength());
    l4(out, off, payload, pseudo, false);
  }

  private static void l4(byte[] out, int p, IpPayload payload, long pseudo, boolean v4) {
    if (payload instanceof IcmpPacket icmp) {
      out[p] = (byte) icmp.type();
      out[p + 1] = (byte) icmp.code();
      put32(out, p + 4, (int) icmp.restOfHeader());
      icmp.body().copyTo(out, p + 8);
      put16(out, p + 2, Checksums.of(out, p, icmp.encodedLength()));
    } else if (payload instanceof UdpDatagram udp) {
      put16(out, p, udp.sourcePort());
      put16(out, p + 2, udp.destinationPort());
      put16(out, p + 4, udp.encodedLength());
      udp.payload().copyTo(out, p + 8);
      if (udp.checksummed() || !v4) {
        int checksum = Checksums.finish(Checksums.add(pseudo, out, p, udp.encodedLength()));
        // RFC 768: a computed zero is sent as all ones; zero means "no checksum".
        put16(out, p + 6, checksum == 0 ? 0xffff : checksum);
      }
    } else if (payload instanceof TcpSegment tcp) {
      put16(out, p, tcp.sourcePort());
      put16(out, p + 2, tcp.destinationPort());
      put32(out, p + 4, (int) tcp.sequence());
      put32(out, p + 8, (int) tcp.acknowledgement());
      put16(out, p + 12, tcp.headerLength() / 4 << 12 | tcp.flags());
      put16(out, p + 14, tcp.window());
      put16(out, p + 18, tcp.urgentPointer());
      tcp.options().copyTo(out, p + 20);
      tcp.payload().copyTo(out, p + tcp.headerLength());
      put16(out, p + 16, Checksums.finish(Checksums.add(pseudo, out, p, tcp.encodedLength())));
    } else if (payload instanceof EspPacket esp) {
      put32(out, p, (int) esp.spi());
      put32(out, p + 4, (int) esp.sequence());
      esp.rest().copyTo(out, p + 8);
    } else {
      ((RawIpPayload) payload).bytes().copyTo(out, p);
    }
  }

  static void put16(byte[] out, int at, int v) {
    out[at] = (byte) (v >>> 8);
    out[at + 1] = (byte) v;
  }

  static void put32(byte[] out, int at, int v) {
    out[at] = (byte) (v >>> 24);
    out[at + 1] = (byte) (v >>> 16);
    out[at + 2] = (byte) (v >>> 8);
    out[at + 3] = (byte) v;
  }

  static void put64(byte[] out, int at, long v) {
    put32(out, at, (int) (v >>> 32));
    put32(out, at + 4, (int) v);
  }
}
