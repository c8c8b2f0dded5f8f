package org.nsvpn.agentplugin.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nsvpn.namespacemanager.packet.VirtioNetHeader;
import org.nsvpn.simulator.packet.Bytes;
import org.nsvpn.simulator.packet.Checksums;
import org.nsvpn.simulator.packet.Frame;
import org.nsvpn.simulator.packet.Packets;
import org.nsvpn.simulator.packet.ParseError;
import org.nsvpn.simulator.packet.TcpSegment;
import org.nsvpn.simulator.packet.UdpDatagram;

/**
 * Checksum completion, the checks of received headers and both ways of segmenting, against frames
 * built by the simulator's encoder (whose checksums are complete) and the simulator's own parser.
 */
class OffloadsTest {
  private static final int TCP_OPTIONS = 12;
  private static final int L4 = 34;

  /** An IPv4 TCP super-frame with complete checksums: 20 + 12 bytes of TCP header. */
  private static byte[] tcpSuperFrame(int payload, int flags) {
    byte[] data = new byte[payload];
    new Random(payload).nextBytes(data);
    TcpSegment tcp =
        new TcpSegment(
            40000,
            5201,
            0xffff_f000L,
            77,
            flags,
            502,
            0,
            Bytes.fromHex("0101080a0000000100000002"),
            Bytes.of(data));
    return Packets.ethernet("02:00:5e:00:0a:10", "02:00:5e:00:0a:01")
        .ipv4("192.0.2.10", "198.51.100.10")
        .identification(0xfffe)
        .dontFragment(true)
        .payload(tcp)
        .encode();
  }

  /** What the kernel hands over instead: the L4 checksum field holds the pseudo-header sum. */
  private static byte[] partial(byte[] whole, int l3, int l4, int checksumAt, int protocol) {
    byte[] frame = whole.clone();
    long pseudo =
        Checksums.ipv4PseudoHeader(
            s32(frame, l3 + 12), s32(frame, l3 + 16), protocol, frame.length - l4);
    frame[checksumAt] = (byte) (Checksums.fold(pseudo) >>> 8);
    frame[checksumAt + 1] = (byte) Checksums.fold(pseudo);
    return frame;
  }

  private static int s32(byte[] b, int at) {
    return (b[at] & 0xff) << 24
        | (b[at + 1] & 0xff) << 16
        | (b[at + 2] & 0xff) << 8
        | b[at + 3] & 0xff;
  }

  private static VirtioNetHeader tso(int gsoSize) {
    return new VirtioNetHeader(
        VirtioNetHeader.F_NEEDS_CSUM,
        VirtioNetHeader.GSO_TCPV4,
        L4 + 20 + TCP_OPTIONS,
        gsoSize,
        L4,
        Offloads.TCP_CHECKSUM_OFFSET);
  }

  private static boolean verifies(byte[] frame, int length) {
    return new Frame().parse(frame, 0, length, true);
  }

  @Test
  void aPartialTcpChecksumIsCompletedToWhatTheWireCarries() {
    byte[] whole = tcpSuperFrame(100, TcpSegment.ACK);
    byte[] received = partial(whole, 14, L4, L4 + 16, 6);
    Frame frame = new Frame();
    assertThat(frame.parse(received, 0, received.length, true)).isFalse();
    assertThat(frame.error()).isEqualTo(ParseError.BAD_TCP_CHECKSUM);

    VirtioNetHeader header = new VirtioNetHeader(1, 0, 0, 0, L4, 16);
    assertThat(Offloads.check(header, received, 0, received.length)).isNull();
    Offloads.completeChecksum(header, received, 0, received.length);
    assertThat(received).isEqualTo(whole);
  }

  @Test
  void aPartialUdpChecksumIsCompletedInAFrameThatStartsPastTheVirtioHeader() {
    byte[] whole =
        Packets.ethernet("02:00:5e:00:0a:10", "02:00:5e:00:0a:01")
            .ipv4("192.0.2.10", "203.0.113.1")
            .udp(4500, 4500, Bytes.fromHex("0000000001020304"))
            .encode();
    byte[] received = partial(whole, 14, L4, L4 + 6, 17);
    byte[] buffer = new byte[VirtioNetHeader.LENGTH + received.length];
    System.arraycopy(received, 0, buffer, VirtioNetHeader.LENGTH, received.length);
    VirtioNetHeader header = new VirtioNetHeader(1, 0, 0, 0, L4, 6);

    Offloads.completeChecksum(header, buffer, VirtioNetHeader.LENGTH, received.length);
    assertThat(Arrays.copyOfRange(buffer, VirtioNetHeader.LENGTH, buffer.length)).isEqualTo(whole);
  }

  @Test
  void malformedHeadersAreRefusedWithTheirReason() {
    byte[] frame = partial(tcpSuperFrame(4000, TcpSegment.ACK), 14, L4, L4 + 16, 6);
    int n = frame.length;
    assertThat(Offloads.check(new VirtioNetHeader(1, 0, 0, 0, n - 1, 0), frame, 0, n))
        .as("checksum field past the end")
        .isEqualTo(OffloadDrop.CHECKSUM_OUTSIDE_FRAME);
    assertThat(Offloads.check(new VirtioNetHeader(1, 0, 0, 0, L4, n), frame, 0, n))
        .as("offset past the end")
        .isEqualTo(OffloadDrop.CHECKSUM_OUTSIDE_FRAME);
    assertThat(Offloads.check(new VirtioNetHeader(1, 0, 0, 0, 4, 6), frame, 0, n))
        .as("starting inside the Ethernet header")
        .isEqualTo(OffloadDrop.CHECKSUM_OUTSIDE_FRAME);
    assertThat(Offloads.check(tso(n + 1), frame, 0, n)).isEqualTo(OffloadDrop.BAD_GSO_SIZE);
    assertThat(Offloads.check(tso(0), frame, 0, n)).isEqualTo(OffloadDrop.BAD_GSO_SIZE);
    for (int type : new int[] {VirtioNetHeader.GSO_UDP, 2, 9, 0x7f}) {
      assertThat(Offloads.check(new VirtioNetHeader(1, type, 66, 1448, L4, 16), frame, 0, n))
          .as("gso type %d", type)
          .isEqualTo(OffloadDrop.UNKNOWN_GSO_TYPE);
    }
    assertThat(
            Offloads.check(
                new VirtioNetHeader(1, VirtioNetHeader.GSO_TCPV6, 66, 1448, L4, 16), frame, 0, n))
        .as("TCPv6 on an IPv4 frame")
        .isEqualTo(OffloadDrop.BAD_GSO_HEADERS);
    assertThat(
            Offloads.check(
                new VirtioNetHeader(1, VirtioNetHeader.GSO_UDP_L4, 42, 1448, L4, 6), frame, 0, n))
        .as("UDP segmentation of a TCP frame")
        .isEqualTo(OffloadDrop.BAD_GSO_HEADERS);
    assertThat(Offloads.check(new VirtioNetHeader(1, 1, 66, 1448, 30, 16), frame, 0, n))
        .as("checksum start inside the IP header")
        .isEqualTo(OffloadDrop.BAD_GSO_HEADERS);
    assertThat(Offloads.check(new VirtioNetHeader(0, 1, 66, 1448, 0, 0), frame, 0, n))
        .as("GSO without a partial checksum")
        .isEqualTo(OffloadDrop.BAD_GSO_HEADERS);
    assertThat(Offloads.check(tso(1448), frame, 0, n - 100))
        .as("IP total length past the frame")
        .isEqualTo(OffloadDrop.BAD_GSO_HEADERS);
    assertThat(Offloads.check(tso(1448), frame, 0, n)).isNull();
  }

  @Test
  void aTcpSuperFrameIsCutAsTheKernelWouldCutIt() {
    int flags = TcpSegment.ACK | TcpSegment.PSH | TcpSegment.FIN | TcpSegment.CWR;
    byte[] whole = tcpSuperFrame(5000, flags);
    Segmentation gso = Offloads.segmentation(tso(1448), whole, 0, whole.length);
    List<byte[]> segments = new ArrayList<>();
    byte[] out = new byte[2000];

    int made =
        gso.segment(whole, 0, whole.length, out, (f, n) -> segments.add(Arrays.copyOf(f, n)));

    assertThat(made).isEqualTo(4).isEqualTo(segments.size());
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    for (int i = 0; i < segments.size(); i++) {
      byte[] s = segments.get(i);
      assertThat(verifies(s, s.length)).as("segment %d: checksums and lengths", i).isTrue();
      assertThat(s.length).isEqualTo(i < 3 ? 66 + 1448 : 66 + 5000 - 3 * 1448);
      assertThat(s32(s, L4 + 4)).as("sequence").isEqualTo((int) 0xffff_f000L + i * 1448);
      assertThat((s[18] & 0xff) << 8 | s[19] & 0xff).as("IPv4 id").isEqualTo((0xfffe + i) & 0xffff);
      int f = s[L4 + 13] & 0xff;
      boolean last = i == 3;
      assertThat(f & (TcpSegment.FIN | TcpSegment.PSH))
          .isEqualTo(last ? TcpSegment.FIN | TcpSegment.PSH : 0);
      assertThat(f & TcpSegment.CWR).isEqualTo(i == 0 ? TcpSegment.CWR : 0);
      assertThat(f & TcpSegment.ACK).isEqualTo(TcpSegment.ACK);
      payload.write(s, 66, s.length - 66);
    }
    assertThat(payload.toByteArray()).isEqualTo(Arrays.copyOfRange(whole, 66, whole.length));
  }

  @Test
  void anIpv6UdpSuperFrameIsCutIntoDatagrams() {
    byte[] data = new byte[3000];
    new Random(7).nextBytes(data);
    byte[] whole =
        Packets.ethernet("02:00:5e:00:0a:10", "02:00:5e:00:0a:01")
            .ipv6("2001:db8::10", "2001:db8:1::10")
            .payload(new UdpDatagram(4500, 4500, Bytes.of(data), true))
            .encode();
    VirtioNetHeader header = new VirtioNetHeader(1, VirtioNetHeader.GSO_UDP_L4, 62, 1200, 54, 6);
    assertThat(Offloads.check(header, whole, 0, whole.length)).isNull();
    Segmentation gso = Offloads.segmentation(header, whole, 0, whole.length);
    List<byte[]> segments = new ArrayList<>();

    gso.segment(
        whole, 0, whole.length, new byte[1500], (f, n) -> segments.add(Arrays.copyOf(f, n)));

    assertThat(segments).hasSize(3);
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    for (byte[] s : segments) {
      assertThat(verifies(s, s.length)).isTrue();
      payload.write(s, 62, s.length - 62);
    }
    assertThat(payload.toByteArray()).isEqualTo(data);
  }

  @Test
  void aSuperFrameHandedOnCarriesThePseudoHeaderSumTheKernelCompletes() {
    byte[] whole = tcpSuperFrame(5000, TcpSegment.ACK);
    Segmentation gso = Offloads.segmentation(tso(1448), whole, 0, whole.length);
    byte[] emitted = whole.clone();

    VirtioNetHeader header = gso.partial(emitted, 0, emitted.length);

    assertThat(header).isEqualTo(tso(1448));
    assertThat(emitted).isEqualTo(partial(whole, 14, L4, L4 + 16, 6));
    Offloads.completeChecksum(header, emitted, 0, emitted.length);
    assertThat(emitted).as("the kernel's completion gives the whole checksum").isEqualTo(whole);
  }

  @Test
  void offsetsFollowTheIpHeaderWhenTheEmittedFrameGainedAVlanTag() {
    byte[] untagged = tcpSuperFrame(3000, TcpSegment.ACK);
    Segmentation gso = Offloads.segmentation(tso(1448), untagged, 0, untagged.length);
    byte[] tagged = new byte[untagged.length + 4];
    System.arraycopy(untagged, 0, tagged, 0, 12);
    tagged[12] = (byte) 0x81;
    tagged[15] = 5;
    System.arraycopy(untagged, 12, tagged, 16, untagged.length - 12);

    VirtioNetHeader header = gso.partial(tagged.clone(), 0, tagged.length);
    assertThat(header.checksumStart()).isEqualTo(L4 + 4);
    assertThat(header.headerLength()).isEqualTo(66 + 4);
    List<byte[]> segments = new ArrayList<>();
    gso.segment(
        tagged, 0, tagged.length, new byte[2000], (f, n) -> segments.add(Arrays.copyOf(f, n)));
    assertThat(segments).hasSize(3).allSatisfy(s -> assertThat(verifies(s, s.length)).isTrue());
  }

  @Test
  void aFrameThatIsNoLongerTheSuperFrameIsNotSegmented() {
    byte[] whole = tcpSuperFrame(3000, TcpSegment.ACK);
    Segmentation gso = Offloads.segmentation(tso(1448), whole, 0, whole.length);
    byte[] arp =
        Packets.ethernet("02:00:5e:00:0a:10", "ff:ff:ff:ff:ff:ff")
            .arpRequest(
                org.nsvpn.chainrules.net.Ipv4Address.parse("192.0.2.10"),
                org.nsvpn.chainrules.net.Ipv4Address.parse("192.0.2.1"))
            .encode();
    assertThat(gso.partial(arp, 0, arp.length)).isNull();
    assertThat(gso.segment(arp, 0, arp.length, new byte[2000], (f, n) -> {})).isEqualTo(-1);
  }
}
