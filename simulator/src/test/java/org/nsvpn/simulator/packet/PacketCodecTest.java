package org.nsvpn.simulator.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.nsvpn.simulator.packet.KnownFrames.bytes;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.Ipv6Address;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.rules.FragmentType;

class PacketCodecTest {
  private static final MacAddress M1 = MacAddress.parse("02:00:00:00:00:01");
  private static final MacAddress M2 = MacAddress.parse("02:00:00:00:00:02");
  private static final Ipv4Address A = Ipv4Address.parse("192.0.2.1");
  private static final Ipv4Address B = Ipv4Address.parse("192.0.2.2");

  private static Frame parsed(byte[] bytes) {
    Frame f = new Frame();
    assertThat(f.parse(bytes)).as("%s: %s", f.error(), f.errorDetail()).isTrue();
    return f;
  }

  private static ParseError errorOf(byte[] bytes) {
    Frame f = new Frame();
    assertThat(f.parse(bytes)).isFalse();
    assertThat(f.errorDetail()).isNotBlank();
    return f.error();
  }

  // ---- known frames ---------------------------------------------------------------------------

  @Test
  void everyKnownFrameRoundTripsByteForByte() {
    for (Map.Entry<String, byte[]> e : KnownFrames.all().entrySet()) {
      byte[] wire = e.getValue();
      assertThat(EthernetFrame.decode(wire).encode()).as(e.getKey()).isEqualTo(wire);
    }
  }

  @Test
  void theBuildersReproduceTheHandWrittenFramesExactly() {
    Bytes ping = Bytes.fromHex(KnownFrames.ICMP_ECHO.substring(2 * 42));
    assertThat(
            Packets.ethernet(M1, M2)
                .ipv4(A, B)
                .identification(0x1234)
                .icmpEchoRequest(1, 1, ping)
                .encode())
        .isEqualTo(bytes(KnownFrames.ICMP_ECHO));
    assertThat(Packets.ethernet(M1, MacAddress.BROADCAST).padTo(60).arpRequest(A, B).encode())
        .isEqualTo(bytes(KnownFrames.ARP_REQUEST));
    assertThat(
            Packets.ethernet(M1, M2)
                .ipv4(A, B)
                .identification(0xbeef)
                .dontFragment(false)
                .udp(
                    53000,
                    53,
                    Bytes.fromHex("abcd01000001000000000000076578616d706c6503636f6d0000010001"))
                .encode())
        .isEqualTo(bytes(KnownFrames.UDP_DNS));
    assertThat(
            Packets.ethernet(M1, M2)
                .ipv4(A, B)
                .identification(0x1234)
                .payload(
                    new TcpSegment(
                        40000,
                        22,
                        0x11223344L,
                        0,
                        TcpSegment.SYN,
                        64240,
                        0,
                        Bytes.fromHex("020405b40402080a000000010000000001030307"),
                        Bytes.EMPTY))
                .encode())
        .isEqualTo(bytes(KnownFrames.TCP_SYN));
    assertThat(
            Packets.ethernet(M1, M2)
                .vlan(new VlanTag(3, false, 100))
                .ipv4(A, B)
                .identification(0x1234)
                .esp(
                    0xc0ffee01L,
                    7,
                    Bytes.fromHex(
                        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"))
                .encode())
        .isEqualTo(bytes(KnownFrames.VLAN_ESP));
    assertThat(
            Packets.ethernet(M1, MacAddress.parse("33:33:00:01:00:02"))
                .ipv6("2001:db8::1", "2001:db8::2")
                .extension(
                    new Ipv6Extension(IpProtocol.IPV6_HOP_BY_HOP, Bytes.fromHex("00010400000000")))
                .udp(546, 547, Bytes.fromHex("0102030405"))
                .encode())
        .isEqualTo(bytes(KnownFrames.IPV6_HBH_UDP));
  }

  @Test
  void decodesTheFieldsOfTheKnownFrames() {
    EthernetFrame arp = EthernetFrame.decode(bytes(KnownFrames.ARP_REQUEST));
    assertThat(arp.payload()).isEqualTo(ArpPacket.request(M1, A, B));
    assertThat(arp.padding()).isEqualTo(Bytes.zeros(18));

    EthernetFrame echo = EthernetFrame.decode(bytes(KnownFrames.ICMP_ECHO));
    Ipv4Packet ip = (Ipv4Packet) echo.payload();
    assertThat(ip.source()).isEqualTo(A);
    assertThat(ip.ttl()).isEqualTo(64);
    assertThat(ip.dontFragment()).isTrue();
    IcmpPacket icmp = (IcmpPacket) ip.payload();
    assertThat(icmp.type()).isEqualTo(IcmpPacket.ECHO_REQUEST);
    assertThat(icmp.identifier()).isEqualTo(1);
    assertThat(icmp.sequence()).isEqualTo(1);
    assertThat(icmp.body().length()).isEqualTo(56);

    Ipv4Packet withOptions =
        (Ipv4Packet) EthernetFrame.decode(bytes(KnownFrames.IPV4_OPTIONS_UDP)).payload();
    assertThat(withOptions.options()).isEqualTo(Bytes.fromHex("94040000"));
    assertThat(withOptions.payload())
        .isEqualTo(UdpDatagram.of(5000, 5001, Bytes.of((byte) 'o', (byte) 'p', (byte) 't')));

    TcpSegment syn =
        (TcpSegment)
            ((Ipv4Packet) EthernetFrame.decode(bytes(KnownFrames.TCP_SYN)).payload()).payload();
    assertThat(syn.flags()).isEqualTo(TcpSegment.SYN);
    assertThat(syn.options().length()).isEqualTo(20);
    assertThat(syn.sequence()).isEqualTo(0x11223344L);

    EthernetFrame tagged = EthernetFrame.decode(bytes(KnownFrames.VLAN_ESP));
    assertThat(tagged.vlan()).contains(new VlanTag(3, false, 100));
    EspPacket esp = (EspPacket) ((Ipv4Packet) tagged.payload()).payload();
    assertThat(esp.spi()).isEqualTo(0xc0ffee01L);
    assertThat(esp.sequence()).isEqualTo(7);

    Ipv6Packet v6 = (Ipv6Packet) EthernetFrame.decode(bytes(KnownFrames.IPV6_HBH_UDP)).payload();
    assertThat(v6.extensions()).extracting(Ipv6Extension::type).containsExactly(0);
    assertThat(v6.protocol()).isEqualTo(IpProtocol.UDP);
    assertThat(v6.source()).isEqualTo(Ipv6Address.parse("2001:db8::1"));
  }

  @Test
  void theFrameViewExposesMatchFields() {
    Frame f = parsed(bytes(KnownFrames.TCP_SYN));
    assertThat(f.etherType()).isEqualTo(EtherType.IPV4);
    assertThat(f.nwSrc()).isEqualTo(A);
    assertThat(f.nwDst()).isEqualTo(B);
    assertThat(f.protocol()).isEqualTo(6);
    assertThat(f.tpSrc()).isEqualTo(40000);
    assertThat(f.tpDst()).isEqualTo(22);
    assertThat(f.tcpFlags()).isEqualTo(TcpSegment.SYN);
    assertThat(f.fragmentType()).isEqualTo(FragmentType.UNFRAGMENTED);
    assertThat(f.ethSrcAddress()).isEqualTo(M1);

    Frame arp = parsed(bytes(KnownFrames.ARP_REQUEST));
    assertThat(arp.nwSrc()).isNull();
    assertThat(arp.protocol()).isEqualTo(-1);
    assertThat(arp.tpDst()).isEqualTo(-1);
    assertThat(arp.arpOperation()).isEqualTo(ArpPacket.REQUEST);

    Frame v6 = parsed(bytes(KnownFrames.IPV6_HBH_UDP));
    assertThat(v6.protocol()).isEqualTo(IpProtocol.UDP);
    assertThat(v6.tpDst()).isEqualTo(547);

    Frame esp = parsed(bytes(KnownFrames.VLAN_ESP));
    assertThat(esp.vlanId()).isEqualTo(100);
    assertThat(esp.espSpi()).isEqualTo(0xc0ffee01L);
    assertThat(esp.tpSrc()).isEqualTo(-1);
  }

  // ---- checksums ------------------------------------------------------------------------------

  @Test
  void theRfc1071ExampleSumsAsPublished() {
    // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (one's complement).
    byte[] words = Bytes.fromHex("0001f203f4f5f6f7").toArray();
    assertThat(Checksums.fold(Checksums.add(0, words, 0, 8))).isEqualTo(0xddf2);
    assertThat(Checksums.of(words, 0, 8)).isEqualTo(0x220d);
    assertThat(Checksums.fold(Checksums.add(0, words, 1, 7)))
        .isEqualTo(
            Checksums.fold(Checksums.add(0, Bytes.fromHex("01f203f4f5f6f700").toArray(), 0, 8)));
  }

  @Test
  void aCorruptedByteAnywhereIsABadChecksumOfTheRightHeader() {
    assertThat(errorOf(flip(KnownFrames.ICMP_ECHO, 14 + 8)))
        .isEqualTo(ParseError.BAD_IPV4_CHECKSUM);
    assertThat(errorOf(flip(KnownFrames.ICMP_ECHO, 60))).isEqualTo(ParseError.BAD_ICMP_CHECKSUM);
    assertThat(errorOf(flip(KnownFrames.UDP_DNS, 60))).isEqualTo(ParseError.BAD_UDP_CHECKSUM);
    assertThat(errorOf(flip(KnownFrames.TCP_SYN, 70))).isEqualTo(ParseError.BAD_TCP_CHECKSUM);
    assertThat(errorOf(flip(KnownFrames.IPV6_HBH_UDP, 75 - 1)))
        .isEqualTo(ParseError.BAD_UDP_CHECKSUM);
    assertThat(ParseError.BAD_UDP_CHECKSUM.kind()).isEqualTo(ParseError.Kind.BAD_CHECKSUM);

    Frame f = new Frame();
    f.parse(flip(KnownFrames.UDP_DNS, 60));
    assertThat(f.errorDetail()).matches("stored 0x3127, computed 0x[0-9a-f]{4}");
    assertThatThrownBy(() -> EthernetFrame.decode(flip(KnownFrames.UDP_DNS, 60)))
        .isInstanceOf(MalformedPacketException.class)
        .hasMessageStartingWith("UDP checksum: stored 0x3127");
  }

  @Test
  void l4ChecksumsCanBeLeftUnverifiedButTheIpv4HeaderNever() {
    byte[] badUdp = flip(KnownFrames.UDP_DNS, 60);
    Frame f = new Frame();
    assertThat(f.parse(badUdp, 0, badUdp.length, false)).isTrue();
    assertThat(f.tpDst()).isEqualTo(53);
    byte[] badIp = flip(KnownFrames.UDP_DNS, 14 + 8);
    assertThat(f.parse(badIp, 0, badIp.length, false)).isFalse();
    assertThat(f.error()).isEqualTo(ParseError.BAD_IPV4_CHECKSUM);
  }

  @Test
  void aZeroUdpChecksumMeansNoneInIpv4AndIsRefusedInIpv6() {
    EthernetFrame unchecked =
        Packets.ethernet(M1, M2)
            .ipv4(A, B)
            .payload(new UdpDatagram(1, 2, Bytes.fromHex("00ff"), false));
    byte[] wire = unchecked.encode();
    assertThat(wire[14 + 20 + 6]).isZero();
    assertThat(wire[14 + 20 + 7]).isZero();
    assertThat(EthernetFrame.decode(wire)).isEqualTo(unchecked);

    byte[] v6 = bytes(KnownFrames.IPV6_HBH_UDP);
    v6[v6.length - 5 - 2] = 0;
    v6[v6.length - 5 - 1] = 0;
    assertThat(errorOf(v6)).isEqualTo(ParseError.BAD_UDP_CHECKSUM);
    assertThatThrownBy(
            () ->
                Packets.ethernet(M1, M2)
                    .ipv6("2001:db8::1", "2001:db8::2")
                    .payload(new UdpDatagram(1, 2, Bytes.EMPTY, false)))
        .isInstanceOf(InvalidValueException.class);
  }

  @Test
  void aComputedZeroUdpChecksumIsSentAsAllOnes() {
    // Search a payload whose checksum computes to zero; RFC 768 then sends 0xffff.
    for (int i = 0; i < 0x10000; i++) {
      byte[] wire =
          Packets.ethernet(M1, M2)
              .ipv4(A, B)
              .udp(1, 2, Bytes.of((byte) (i >>> 8), (byte) i))
              .encode();
      int stored = (wire[40] & 0xff) << 8 | wire[41] & 0xff;
      if (stored == 0xffff) {
        assertThat(EthernetFrame.decode(wire).encode()).isEqualTo(wire);
        return;
      }
    }
    throw new AssertionError("no payload with a zero checksum found");
  }

  // ---- truncation and malformation ------------------------------------------------------------

  @Test
  void everyTruncationOfAFrameIsAParseErrorNotAnException() {
    for (Map.Entry<String, byte[]> e : KnownFrames.all().entrySet()) {
      byte[] wire = e.getValue();
      int meaningful = e.getKey().equals("arp request") ? 42 : wire.length;
      for (int length = 0; length < meaningful; length++) {
        Frame f = new Frame();
        assertThat(f.parse(wire, 0, length, true)).as("%s cut to %d", e.getKey(), length).isFalse();
        assertThat(f.error().kind())
            .as("%s cut to %d: %s", e.getKey(), length, f.error())
            .isIn(ParseError.Kind.TRUNCATED, ParseError.Kind.MALFORMED);
      }
      for (int length = meaningful; length <= wire.length; length++) {
        assertThat(new Frame().parse(wire, 0, length, true))
            .as("%s at %d", e.getKey(), length)
            .isTrue();
      }
    }
  }

  @Test
  void truncationsNameTheHeaderThatIsCut() {
    byte[] udp = bytes(KnownFrames.UDP_DNS);
    assertThat(errorOf(java.util.Arrays.copyOf(udp, 13))).isEqualTo(ParseError.TRUNCATED_ETHERNET);
    assertThat(errorOf(java.util.Arrays.copyOf(udp, 30))).isEqualTo(ParseError.TRUNCATED_IPV4);
    assertThat(errorOf(java.util.Arrays.copyOf(udp, 60)))
        .isEqualTo(ParseError.TRUNCATED_IPV4_PAYLOAD);
    byte[] tagged = bytes(KnownFrames.VLAN_ESP);
    assertThat(errorOf(java.util.Arrays.copyOf(tagged, 16))).isEqualTo(ParseError.TRUNCATED_VLAN);
    byte[] v6 = bytes(KnownFrames.IPV6_HBH_UDP);
    assertThat(errorOf(java.util.Arrays.copyOf(v6, 40))).isEqualTo(ParseError.TRUNCATED_IPV6);
    assertThat(errorOf(java.util.Arrays.copyOf(bytes(KnownFrames.ARP_REQUEST), 41)))
        .isEqualTo(ParseError.TRUNCATED_ARP);
  }

  @Test
  void malformedHeadersAreNamed() {
    byte[] ihl4 = withIpv4HeaderByte(KnownFrames.UDP_DNS, 0, 0x44);
    assertThat(errorOf(ihl4)).isEqualTo(ParseError.BAD_IPV4_HEADER_LENGTH);
    byte[] version5 = withIpv4HeaderByte(KnownFrames.UDP_DNS, 0, 0x55);
    assertThat(errorOf(version5)).isEqualTo(ParseError.BAD_IPV4_VERSION);
    byte[] total10 = withIpv4HeaderByte(KnownFrames.UDP_DNS, 3, 10);
    assertThat(errorOf(total10)).isEqualTo(ParseError.BAD_IPV4_TOTAL_LENGTH);

    byte[] arp = bytes(KnownFrames.ARP_REQUEST);
    arp[15] = 6;
    assertThat(errorOf(arp)).isEqualTo(ParseError.UNSUPPORTED_ARP);

    byte[] v6 = bytes(KnownFrames.IPV6_HBH_UDP);
    v6[14] = 0x40;
    assertThat(errorOf(v6)).isEqualTo(ParseError.BAD_IPV6_VERSION);

    // UDP length field claims more than the IP payload carries.
    byte[] udpLength = bytes(KnownFrames.UDP_DNS);
    udpLength[14 + 20 + 5] += 4;
    assertThat(errorOf(udpLength)).isEqualTo(ParseError.BAD_UDP_LENGTH);

    // TCP data offset of 4 words.
    byte[] tcp = bytes(KnownFrames.TCP_SYN);
    tcp[14 + 20 + 12] = 0x40;
    assertThat(errorOf(tcp)).isEqualTo(ParseError.BAD_TCP_HEADER_LENGTH);
  }

  /** Sets a byte of the IPv4 header and fixes the header checksum, so only that field is wrong. */
  private static byte[] withIpv4HeaderByte(String hex, int offset, int value) {
    byte[] b = bytes(hex);
    b[14 + offset] = (byte) value;
    b[14 + 10] = 0;
    b[14 + 11] = 0;
    int sum = Checksums.of(b, 14, 20);
    b[14 + 10] = (byte) (sum >>> 8);
    b[14 + 11] = (byte) sum;
    return b;
  }

  private static byte[] flip(String hex, int index) {
    byte[] b = bytes(hex);
    b[index] ^= 0x5a;
    return b;
  }

  // ---- fragments, IPv6 extensions, padding ----------------------------------------------------

  @Test
  void ipv4FragmentsCarryRawPayloadsAndOnlyTheFirstHasPorts() {
    byte[] first =
        Packets.ethernet(M1, M2)
            .ipv4(A, B)
            .identification(7)
            .fragment(0, true)
            .raw(IpProtocol.UDP, Bytes.fromHex("1194119405dc0000" + "00".repeat(16)))
            .encode();
    Frame f = parsed(first);
    assertThat(f.fragmentType()).isEqualTo(FragmentType.FIRST);
    assertThat(f.tpSrc()).isEqualTo(4500);
    assertThat(f.tpDst()).isEqualTo(4500);
    assertThat(EthernetFrame.decode(first).encode()).isEqualTo(first);

    byte[] later =
        Packets.ethernet(M1, M2)
            .ipv4(A, B)
            .identification(7)
            .fragment(3, false)
            .raw(IpProtocol.UDP, Bytes.fromHex("ffffffff"))
            .encode();
    Frame g = parsed(later);
    assertThat(g.fragmentType()).isEqualTo(FragmentType.LATER);
    assertThat(g.tpSrc()).isEqualTo(-1);
    assertThat(g.protocol()).isEqualTo(IpProtocol.UDP);
    Ipv4Packet ip = (Ipv4Packet) EthernetFrame.decode(later).payload();
    assertThat(ip.fragmentOffset()).isEqualTo(3);
    assertThat(ip.payload()).isEqualTo(new RawIpPayload(Bytes.fromHex("ffffffff")));

    // A first fragment too short for the UDP header it claims to start.
    byte[] tiny =
        Packets.ethernet(M1, M2)
            .ipv4(A, B)
            .fragment(0, true)
            .raw(IpProtocol.UDP, Bytes.fromHex("1194"))
            .encode();
    assertThat(errorOf(tiny)).isEqualTo(ParseError.TRUNCATED_UDP);
  }

  @Test
  void ipv6ExtensionHeadersAreSkippedToTheUpperLayer() {
    Ipv6Extension hopByHop =
        new Ipv6Extension(IpProtocol.IPV6_HOP_BY_HOP, Bytes.fromHex("00010400000000"));
    Ipv6Extension routing =
        new Ipv6Extension(
            IpProtocol.IPV6_ROUTING, Bytes.fromHex("01" + "04" + "0000000000" + "00".repeat(8)));
    Ipv6Extension destination =
        new Ipv6Extension(IpProtocol.IPV6_DESTINATION_OPTIONS, Bytes.fromHex("00010400000000"));
    Ipv6Extension ah =
        new Ipv6Extension(
            IpProtocol.AH, Bytes.fromHex("0400000000010000000000000000000000000000000000"));
    byte[] wire =
        Packets.ethernet(M1, M2)
            .ipv6("2001:db8::1", "2001:db8::2")
            .extension(hopByHop)
            .extension(routing)
            .extension(ah)
            .extension(destination)
            .tcp(1234, 443, TcpSegment.ACK)
            .encode();
    Frame f = parsed(wire);
    assertThat(f.protocol()).isEqualTo(IpProtocol.TCP);
    assertThat(f.tpDst()).isEqualTo(443);
    assertThat(f.fragmentType()).isEqualTo(FragmentType.UNFRAGMENTED);
    EthernetFrame decoded = EthernetFrame.decode(wire);
    assertThat(((Ipv6Packet) decoded.payload()).extensions())
        .containsExactly(hopByHop, routing, ah, destination);
    assertThat(decoded.encode()).isEqualTo(wire);

    byte[] laterFragment =
        Packets.ethernet(M1, M2)
            .ipv6("2001:db8::1", "2001:db8::2")
            .extension(Ipv6Extension.fragment(10, false, 0xabcdef))
            .raw(IpProtocol.UDP, Bytes.fromHex("0102030405060708"))
            .encode();
    Frame later = parsed(laterFragment);
    assertThat(later.fragmentType()).isEqualTo(FragmentType.LATER);
    assertThat(later.protocol()).isEqualTo(IpProtocol.UDP);
    assertThat(later.tpDst()).isEqualTo(-1);
    assertThat(EthernetFrame.decode(laterFragment).encode()).isEqualTo(laterFragment);

    byte[] firstFragment =
        Packets.ethernet(M1, M2)
            .ipv6("2001:db8::1", "2001:db8::2")
            .extension(Ipv6Extension.fragment(0, true, 1))
            .raw(IpProtocol.UDP, Bytes.fromHex("1194119400100000"))
            .encode();
    Frame first = parsed(firstFragment);
    assertThat(first.fragmentType()).isEqualTo(FragmentType.FIRST);
    assertThat(first.tpDst()).isEqualTo(4500);
  }

  @Test
  void tooManyOrTruncatedIpv6ExtensionsAreRefused() {
    Ipv6Builder b = Packets.ethernet(M1, M2).ipv6("2001:db8::1", "2001:db8::2");
    Ipv6Extension pad =
        new Ipv6Extension(IpProtocol.IPV6_DESTINATION_OPTIONS, Bytes.fromHex("00010400000000"));
    for (int i = 0; i < Frame.MAX_IPV6_EXTENSIONS; i++) {
      b.extension(pad);
    }
    // Eight headers (the limit), then a ninth smuggled in the payload by patching the eighth's
    // next-header byte: the value model cannot express it, the parser must still refuse it.
    byte[] nine = b.raw(IpProtocol.IPV6_NO_NEXT_HEADER, Bytes.fromHex("3b00010400000000")).encode();
    assertThat(new Frame().parse(nine)).isTrue();
    nine[14 + 40 + 7 * 8] = (byte) IpProtocol.IPV6_DESTINATION_OPTIONS;
    assertThat(errorOf(nine)).isEqualTo(ParseError.TOO_MANY_IPV6_EXTENSIONS);

    byte[] cut = bytes(KnownFrames.IPV6_HBH_UDP);
    cut[14 + 40 + 1] = 9; // hop-by-hop claims 80 bytes
    assertThat(errorOf(cut)).isEqualTo(ParseError.TRUNCATED_IPV6_EXTENSION);
  }

  @Test
  void ethernetPaddingIsKeptAndIgnoredByTheIpLayer() {
    EthernetFrame padded =
        Packets.ethernet(M1, M2).padTo(60).ipv4(A, B).udp(1, 2, Bytes.fromHex("aa"));
    byte[] wire = padded.encode();
    assertThat(wire).hasSize(60);
    assertThat(padded.padding().length()).isEqualTo(60 - 14 - 20 - 9);
    Frame f = parsed(wire);
    assertThat(f.tpDst()).isEqualTo(2);
    assertThat(EthernetFrame.decode(wire)).isEqualTo(padded);

    byte[] nonZeroPadding = wire.clone();
    nonZeroPadding[59] = 0x77;
    assertThat(EthernetFrame.decode(nonZeroPadding).encode()).isEqualTo(nonZeroPadding);
  }

  @Test
  void unknownEtherTypesAreCarriedRaw() {
    EthernetFrame lldp =
        Packets.ethernet(M1, MacAddress.parse("01:80:c2:00:00:0e"))
            .raw(0x88cc, Bytes.fromHex("0207"));
    byte[] wire = lldp.encode();
    assertThat(EthernetFrame.decode(wire)).isEqualTo(lldp);
    Frame f = parsed(wire);
    assertThat(f.etherType()).isEqualTo(0x88cc);
    assertThat(f.ipVersion()).isZero();
  }

  // ---- the value model refuses non-canonical values ------------------------------------------

  @Test
  void valuesThatWouldNotRoundTripAreRefused() {
    UdpDatagram udp = UdpDatagram.of(1, 2, Bytes.EMPTY);
    assertThatThrownBy(
            () ->
                new Ipv4Packet(
                    0, 0, Ipv4Packet.FLAG_MORE_FRAGMENTS, 0, 64, 17, A, B, Bytes.EMPTY, udp))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("fragment carries raw bytes");
    assertThatThrownBy(
            () ->
                new Ipv4Packet(
                    0, 0, 0, 0, 64, 17, A, B, Bytes.EMPTY, new RawIpPayload(Bytes.EMPTY)))
        .hasMessageContaining("decoded as its own record");
    assertThatThrownBy(() -> new Ipv4Packet(0, 0, 0, 0, 64, 6, A, B, Bytes.EMPTY, udp))
        .hasMessageStartingWith("ipv4 protocol:");
    assertThatThrownBy(() -> new Ipv4Packet(0, 0, 0, 0, 64, 17, A, B, Bytes.fromHex("010101"), udp))
        .hasMessageStartingWith("ipv4 options:");
    assertThatThrownBy(
            () ->
                new EthernetFrame(
                    M1,
                    M2,
                    Optional.empty(),
                    EtherType.IPV6,
                    ArpPacket.request(M1, A, B),
                    Bytes.EMPTY))
        .hasMessageStartingWith("ethertype:");
    assertThatThrownBy(
            () ->
                new EthernetFrame(
                    M1,
                    M2,
                    Optional.empty(),
                    EtherType.IPV4,
                    new RawPayload(Bytes.EMPTY),
                    Bytes.EMPTY))
        .hasMessageContaining("raw payload cannot carry it");
    assertThatThrownBy(() -> new Ipv6Extension(IpProtocol.IPV6_HOP_BY_HOP, Bytes.fromHex("0101")))
        .isInstanceOf(InvalidValueException.class);
    assertThatThrownBy(() -> new VlanTag(0, false, 4096)).hasMessageStartingWith("vlan id:");
    assertThatThrownBy(() -> new TcpSegment(1, 2, 0, 0, 0, 0, 0, Bytes.fromHex("01"), Bytes.EMPTY))
        .hasMessageStartingWith("tcp options:");
    assertThatThrownBy(
            () ->
                new Ipv6Packet(
                    0,
                    0,
                    64,
                    IpProtocol.UDP,
                    Ipv6Address.parse("2001:db8::1"),
                    Ipv6Address.parse("2001:db8::2"),
                    List.of(
                        Ipv6Extension.fragment(1, false, 1), Ipv6Extension.fragment(2, false, 1)),
                    new RawIpPayload(Bytes.EMPTY)))
        .hasMessageContaining("nothing follows a later fragment");
  }

  // ---- rewriting ------------------------------------------------------------------------------

  @Test
  void rewritesCopyOnWriteAndKeepTheHeaderChecksumValid() {
    byte[] original = bytes(KnownFrames.ICMP_ECHO);
    byte[] untouched = original.clone();
    Frame f = parsed(original);

    f.decrementTtl();
    f.setEthernetAddresses(M1.bits(), M2.bits());
    byte[] out = f.exportBytes();

    assertThat(original).isEqualTo(untouched);
    assertThat(out)
        .isEqualTo(
            Packets.ethernet(M2, M1)
                .ipv4(A, B)
                .identification(0x1234)
                .ttl(63)
                .icmpEchoRequest(1, 1, Bytes.fromHex(KnownFrames.ICMP_ECHO.substring(84)))
                .encode());
    assertThat(f.ttl()).isEqualTo(63);
    assertThat(f.isOwned()).isFalse();
  }

  @Test
  void theIpPacketPrefixIsWhatAnIcmpErrorQuotes() {
    Frame f = parsed(bytes(KnownFrames.UDP_DNS));
    assertThat(f.ipPacketPrefix(28)).isEqualTo(Bytes.copyOf(bytes(KnownFrames.UDP_DNS), 14, 28));
    assertThat(f.ipPacketPrefix(1000).length()).isEqualTo(0x39);
  }

  @Test
  void bytesParseHexDumpsAndCompareByValue() {
    assertThat(Bytes.fromHex("0a:0b 0c\n0d"))
        .isEqualTo(Bytes.of((byte) 10, (byte) 11, (byte) 12, (byte) 13));
    assertThat(Bytes.fromHex("0a0b").toString()).isEqualTo("0a0b");
    assertThat(Bytes.fromHex("")).isSameAs(Bytes.EMPTY);
    assertThatThrownBy(() -> Bytes.fromHex("abc")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void thePacketContextGivesConditionsTheFramesFields() {
    org.nsvpn.chainrules.id.PortId in = org.nsvpn.chainrules.id.PortId.random();
    org.nsvpn.chainrules.id.PortId out = org.nsvpn.chainrules.id.PortId.random();
    PacketContext context = new PacketContext().at(parsed(bytes(KnownFrames.TCP_SYN)), in, out);

    assertThat(context.inPort()).isEqualTo(in);
    assertThat(context.outPort()).isEqualTo(out);
    assertThat(context.etherType()).isEqualTo(EtherType.IPV4);
    assertThat(context.ethSrc()).isEqualTo(M1);
    assertThat(context.ethDst()).isEqualTo(M2);
    assertThat(context.nwSrc()).isEqualTo(A);
    assertThat(context.nwDst()).isEqualTo(B);
    assertThat(context.nwProto()).isEqualTo(6);
    assertThat(context.tpSrc()).isEqualTo(40000);
    assertThat(context.tpDst()).isEqualTo(22);
    assertThat(context.fragmentType()).isEqualTo(FragmentType.UNFRAGMENTED);

    org.nsvpn.chainrules.rules.Condition ssh =
        org.nsvpn.chainrules.rules.Condition.builder()
            .inPorts(in)
            .nwDst(org.nsvpn.chainrules.net.IpSubnet.parse("192.0.2.0/24"))
            .nwProto(6)
            .tpDst(org.nsvpn.chainrules.rules.PortRange.of(22))
            .build();
    assertThat(ssh.matches(context)).isTrue();
    byte[] later =
        Packets.ethernet(M1, M2)
            .ipv4(A, B)
            .fragment(4, false)
            .raw(IpProtocol.TCP, Bytes.zeros(8))
            .encode();
    assertThat(ssh.matches(context.at(parsed(later), in, out))).isFalse();
    assertThat(ssh.matches(context.at(parsed(bytes(KnownFrames.ARP_REQUEST)), in, out))).isFalse();
  }
}
