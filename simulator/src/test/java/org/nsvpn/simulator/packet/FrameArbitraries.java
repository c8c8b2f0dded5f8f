package org.nsvpn.simulator.packet;

import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.Ipv6Address;
import org.nsvpn.chainrules.net.MacAddress;

/** jqwik generators of valid frames of every kind the codec knows. */
public final class FrameArbitraries {

  private FrameArbitraries() {}

  public static Arbitrary<EthernetFrame> frames() {
    Arbitrary<EthernetPayload> payload =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(1, arp().map(a -> (EthernetPayload) a)),
            net.jqwik.api.Tuple.of(5, ipv4().map(p -> (EthernetPayload) p)),
            net.jqwik.api.Tuple.of(2, ipv6().map(p -> (EthernetPayload) p)));
    Arbitrary<EthernetFrame> typed =
        Combinators.combine(macs(), macs(), vlans(), payload, bytes(0, 24))
            .as(
                (dst, src, vlan, p, padding) ->
                    new EthernetFrame(dst, src, vlan, etherType(p), p, padding));
    Arbitrary<EthernetFrame> raw =
        Combinators.combine(
                macs(),
                macs(),
                vlans(),
                Arbitraries.integers()
                    .between(0, 0xffff)
                    .filter(
                        t ->
                            t != EtherType.ARP
                                && t != EtherType.IPV4
                                && t != EtherType.IPV6
                                && t != EtherType.VLAN),
                bytes(0, 64))
            .as(
                (dst, src, vlan, type, body) ->
                    new EthernetFrame(dst, src, vlan, type, new RawPayload(body), Bytes.EMPTY));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(8, typed), net.jqwik.api.Tuple.of(1, raw));
  }

  private static int etherType(EthernetPayload p) {
    return p instanceof ArpPacket
        ? EtherType.ARP
        : p instanceof Ipv4Packet ? EtherType.IPV4 : EtherType.IPV6;
  }

  public static Arbitrary<MacAddress> macs() {
    return Arbitraries.longs().between(0, 0xffff_ffff_ffffL).map(MacAddress::new);
  }

  static Arbitrary<Optional<VlanTag>> vlans() {
    Arbitrary<VlanTag> tag =
        Combinators.combine(
                Arbitraries.integers().between(0, 7),
                Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 4095))
            .as(VlanTag::new);
    return tag.optional(0.3);
  }

  public static Arbitrary<Bytes> bytes(int min, int max) {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(min).ofMaxSize(max).map(Bytes::of);
  }

  static Arbitrary<Ipv4Address> v4() {
    return Arbitraries.integers().map(Ipv4Address::new);
  }

  static Arbitrary<Ipv6Address> v6() {
    return Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(Ipv6Address::new);
  }

  static Arbitrary<ArpPacket> arp() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 0xffff), macs(), v4(), macs(), v4())
        .as(ArpPacket::new);
  }

  static Arbitrary<Integer> ports() {
    return Arbitraries.integers().between(0, 0xffff);
  }

  static Arbitrary<IpPayload> l4(boolean v4) {
    Arbitrary<IpPayload> udp =
        Combinators.combine(ports(), ports(), bytes(0, 80), Arbitraries.of(true, !v4))
            .as((s, d, b, c) -> new UdpDatagram(s, d, b, c));
    Arbitrary<IpPayload> tcp =
        Combinators.combine(
                ports(),
                ports(),
                Arbitraries.longs().between(0, 0xffff_ffffL),
                Arbitraries.longs().between(0, 0xffff_ffffL),
                Arbitraries.integers().between(0, 0xfff),
                ports(),
                Arbitraries.integers().between(0, 10).flatMap(n -> bytes(4 * n, 4 * n)),
                bytes(0, 80))
            .as((s, d, seq, ack, f, w, o, p) -> new TcpSegment(s, d, seq, ack, f, w, 0, o, p));
    Arbitrary<IpPayload> esp =
        Combinators.combine(
                Arbitraries.longs().between(0, 0xffff_ffffL),
                Arbitraries.longs().between(0, 0xffff_ffffL),
                bytes(0, 80))
            .as(EspPacket::new);
    Arbitrary<IpPayload> icmp =
        Combinators.combine(
                Arbitraries.integers().between(0, 255),
                Arbitraries.integers().between(0, 255),
                Arbitraries.longs().between(0, 0xffff_ffffL),
                bytes(0, 80))
            .as(IcmpPacket::new);
    return v4 ? Arbitraries.oneOf(udp, tcp, esp, icmp) : Arbitraries.oneOf(udp, tcp, esp);
  }

  static Arbitrary<Ipv4Packet> ipv4() {
    Arbitrary<Ipv4Packet> whole =
        Combinators.combine(
                Arbitraries.integers().between(0, 255),
                ports(),
                Arbitraries.of(0, Ipv4Packet.FLAG_DONT_FRAGMENT),
                Arbitraries.integers().between(0, 255),
                v4(),
                v4(),
                Arbitraries.integers().between(0, 10).flatMap(n -> bytes(4 * n, 4 * n)),
                l4(true))
            .as(
                (tos, id, flags, ttl, s, d, opts, p) ->
                    new Ipv4Packet(tos, id, flags, 0, ttl, p.protocol(), s, d, opts, p));
    Arbitrary<Ipv4Packet> fragment =
        Combinators.combine(
                ports(),
                Arbitraries.integers().between(0, 0x1fff),
                Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 255),
                Arbitraries.of(1, 6, 17, 50, 47),
                v4(),
                v4(),
                bytes(24, 64))
            .as(
                (id, offset, more, ttl, proto, s, d, body) ->
                    new Ipv4Packet(
                        0,
                        id,
                        more || offset == 0 ? Ipv4Packet.FLAG_MORE_FRAGMENTS : 0,
                        offset,
                        ttl,
                        proto,
                        s,
                        d,
                        Bytes.EMPTY,
                        new RawIpPayload(offset == 0 ? firstFragment(body) : body)));
    Arbitrary<Ipv4Packet> other =
        Combinators.combine(v4(), v4(), Arbitraries.of(47, 89, 132), bytes(0, 40))
            .as(
                (s, d, proto, body) ->
                    new Ipv4Packet(
                        0, 0, 0, 0, 64, proto, s, d, Bytes.EMPTY, new RawIpPayload(body)));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, whole),
        net.jqwik.api.Tuple.of(2, fragment),
        net.jqwik.api.Tuple.of(1, other));
  }

  static Arbitrary<Ipv6Packet> ipv6() {
    Arbitrary<Ipv6Extension> option =
        Arbitraries.of(IpProtocol.IPV6_HOP_BY_HOP, IpProtocol.IPV6_DESTINATION_OPTIONS)
            .flatMap(
                type ->
                    Arbitraries.integers()
                        .between(0, 2)
                        .flatMap(
                            len ->
                                bytes(6 + 8 * len, 6 + 8 * len)
                                    .map(rest -> new Ipv6Extension(type, prefixed(len, rest)))));
    return Combinators.combine(
            Arbitraries.integers().between(0, 255),
            Arbitraries.integers().between(0, 0xfffff),
            Arbitraries.integers().between(0, 255),
            v6(),
            v6(),
            option.list().ofMaxSize(3),
            l4(false))
        .as(
            (tc, flow, hops, s, d, ext, p) ->
                new Ipv6Packet(tc, flow, hops, p.protocol(), s, d, List.copyOf(ext), p));
  }

  /** A first fragment must start with a plausible L4 header: UDP length >= 8, TCP offset 5. */
  private static Bytes firstFragment(Bytes body) {
    byte[] b = body.toArray();
    b[4] = 0;
    b[5] = 64;
    b[12] = 0x50;
    return Bytes.of(b);
  }

  private static Bytes prefixed(int first, Bytes rest) {
    byte[] b = new byte[rest.length() + 1];
    b[0] = (byte) first;
    rest.copyTo(b, 1);
    return Bytes.of(b);
  }
}
