package org.nsvpn.simulator.packet;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.Ipv6Address;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.rules.FragmentType;

/**
 * Builds the value model from a successfully parsed {@link Frame}. All validation has happened in
 * the parse; this only copies fields out, so the two can never disagree on what is valid.
 */
final class PacketDecoder {

  private PacketDecoder() {}

  static EthernetFrame decode(Frame f) {
    byte[] d = f.data();
    int start = f.start();
    int end = start + f.length();
    int l3 = f.l3Offset();
    Optional<VlanTag> vlan =
        f.vlanTci() < 0 ? Optional.empty() : Optional.of(VlanTag.fromTci(f.vlanTci()));
    EthernetPayload payload;
    int payloadEnd;
    if (f.arpOperation() >= 0) {
      payload =
          new ArpPacket(
              f.arpOperation(),
              new MacAddress(f.arpSenderMac()),
              new Ipv4Address(f.arpSenderIp()),
              new MacAddress(f.arpTargetMac()),
              new Ipv4Address(f.arpTargetIp()));
      payloadEnd = l3 + ArpPacket.LENGTH;
    } else if (f.ipVersion() == 4) {
      payload = ipv4(f, d, l3);
      payloadEnd = l3 + f.ipLength();
    } else if (f.ipVersion() == 6) {
      payload = ipv6(f, d, l3);
      payloadEnd = l3 + f.ipLength();
    } else {
      payload = new RawPayload(Bytes.copyOf(d, l3, end - l3));
      payloadEnd = end;
    }
    return new EthernetFrame(
        f.ethDstAddress(),
        f.ethSrcAddress(),
        vlan,
        f.etherType(),
        payload,
        Bytes.copyOf(d, payloadEnd, end - payloadEnd));
  }

  private static Ipv4Packet ipv4(Frame f, byte[] d, int l3) {
    int flagsOffset = f.u16(l3 + 6);
    return new Ipv4Packet(
        f.u8(l3 + 1),
        f.u16(l3 + 4),
        flagsOffset >>> 13,
        flagsOffset & 0x1fff,
        f.ttl(),
        f.protocol(),
        new Ipv4Address(f.ipv4Src()),
        new Ipv4Address(f.ipv4Dst()),
        Bytes.copyOf(d, l3 + 20, f.ipHeaderLength() - 20),
        ipPayload(f, d, true));
  }

  private static Ipv6Packet ipv6(Frame f, byte[] d, int l3) {
    int word = f.s32(l3);
    List<Ipv6Extension> extensions = new ArrayList<>();
    int type = f.u8(l3 + 6);
    int off = l3 + 40;
    while (off < f.l4Offset()) {
      int length = Frame.ipv6ExtensionLength(type, f.u8(off + 1));
      extensions.add(new Ipv6Extension(type, Bytes.copyOf(d, off + 1, length - 1)));
      type = f.u8(off);
      off += length;
    }
    return new Ipv6Packet(
        word >>> 20 & 0xff,
        word & 0xfffff,
        f.ttl(),
        f.protocol(),
        new Ipv6Address(f.v6SrcHigh(), f.v6SrcLow()),
        new Ipv6Address(f.v6DstHigh(), f.v6DstLow()),
        extensions,
        ipPayload(f, d, false));
  }

  private static IpPayload ipPayload(Frame f, byte[] d, boolean v4) {
    int l4 = f.l4Offset();
    int len = f.l4Length();
    if (f.fragmentType() != FragmentType.UNFRAGMENTED) {
      return new RawIpPayload(Bytes.copyOf(d, l4, len));
    }
    switch (f.protocol()) {
      case IpProtocol.ICMP:
        if (v4) {
          return new IcmpPacket(
              f.u8(l4), f.u8(l4 + 1), f.u32(l4 + 4), Bytes.copyOf(d, l4 + 8, len - 8));
        }
        break;
      case IpProtocol.UDP:
        // Zero means "no checksum" in IPv4 only; an IPv6 zero (possible when parsed without
        // verification) decodes as checksummed, and re-encoding computes the checksum.
        return new UdpDatagram(
            f.u16(l4), f.u16(l4 + 2), Bytes.copyOf(d, l4 + 8, len - 8), !v4 || f.u16(l4 + 6) != 0);
      case IpProtocol.TCP:
        int header = (f.u8(l4 + 12) >>> 4) * 4;
        return new TcpSegment(
            f.u16(l4),
            f.u16(l4 + 2),
            f.u32(l4 + 4),
            f.u32(l4 + 8),
            f.u16(l4 + 12) & 0xfff,
            f.u16(l4 + 14),
            f.u16(l4 + 18),
            Bytes.copyOf(d, l4 + 20, header - 20),
            Bytes.copyOf(d, l4 + header, len - header));
      case IpProtocol.ESP:
        return new EspPacket(f.u32(l4), f.u32(l4 + 4), Bytes.copyOf(d, l4 + 8, len - 8));
      default:
        break;
    }
    return new RawIpPayload(Bytes.copyOf(d, l4, len));
  }
}
