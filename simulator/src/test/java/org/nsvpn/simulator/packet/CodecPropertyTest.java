package org.nsvpn.simulator.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class CodecPropertyTest {

  @Provide
  Arbitrary<EthernetFrame> frames() {
    return FrameArbitraries.frames();
  }

  @Property
  void encodingThenDecodingGivesBackTheValueAndTheBytes(@ForAll("frames") EthernetFrame frame) {
    byte[] wire = frame.encode();
    assertThat(wire).hasSize(frame.encodedLength());
    EthernetFrame decoded = EthernetFrame.decode(wire);
    assertThat(decoded).isEqualTo(frame);
    assertThat(decoded.encode()).isEqualTo(wire);
  }

  @Property
  void theFrameViewAgreesWithTheValue(@ForAll("frames") EthernetFrame frame) {
    Frame view = new Frame();
    assertThat(view.parse(frame.encode())).isTrue();
    assertThat(view.ethSrcAddress()).isEqualTo(frame.source());
    assertThat(view.etherType()).isEqualTo(frame.etherType());
    if (frame.payload() instanceof Ipv4Packet ip) {
      assertThat(view.nwSrc()).isEqualTo(ip.source());
      assertThat(view.protocol()).isEqualTo(ip.protocol());
      assertThat(view.ttl()).isEqualTo(ip.ttl());
      if (ip.payload() instanceof UdpDatagram udp) {
        assertThat(view.tpDst()).isEqualTo(udp.destinationPort());
      } else if (ip.payload() instanceof TcpSegment tcp) {
        assertThat(view.tpSrc()).isEqualTo(tcp.sourcePort());
        assertThat(view.tcpFlags()).isEqualTo(tcp.flags());
      }
    }
  }

  @Property
  void cuttingAFrameShortOfItsPacketIsAnErrorNotAnException(
      @ForAll("frames") EthernetFrame frame, @ForAll @IntRange(min = 0, max = 4000) int cut) {
    int meaningful =
        frame.payload() instanceof RawPayload
            ? frame.headerLength()
            : frame.headerLength() + frame.payload().encodedLength();
    byte[] wire = frame.encode();
    int length = cut % meaningful;
    Frame view = new Frame();
    assertThat(view.parse(wire, 0, length, true)).isFalse();
    assertThat(view.error().kind()).isIn(ParseError.Kind.TRUNCATED, ParseError.Kind.MALFORMED);
  }

  @Property
  void decrementingTheTtlInPlaceEqualsReencoding(@ForAll("frames") EthernetFrame frame) {
    if (!(frame.payload() instanceof Ipv4Packet ip) || ip.ttl() < 2) {
      return;
    }
    Frame view = new Frame();
    view.parse(frame.encode());
    view.decrementTtl();
    Ipv4Packet lower =
        new Ipv4Packet(
            ip.tos(),
            ip.identification(),
            ip.flags(),
            ip.fragmentOffset(),
            ip.ttl() - 1,
            ip.protocol(),
            ip.source(),
            ip.destination(),
            ip.options(),
            ip.payload());
    EthernetFrame expected =
        new EthernetFrame(
            frame.destination(),
            frame.source(),
            frame.vlan(),
            frame.etherType(),
            lower,
            frame.padding());
    assertThat(view.exportBytes()).isEqualTo(expected.encode());
  }

  @Property
  void randomBytesNeverThrowAndWhatParsesAlsoDecodes(@ForAll @Size(max = 200) byte[] bytes) {
    Frame view = new Frame();
    if (view.parse(bytes)) {
      assertThat(EthernetFrame.decode(bytes)).isNotNull();
    } else {
      assertThat(view.error()).isNotNull();
    }
  }

  @Property
  void corruptedFramesNeverThrow(
      @ForAll("frames") EthernetFrame frame,
      @ForAll @IntRange(min = 0, max = 1000) int at,
      @ForAll byte value) {
    byte[] wire = frame.encode();
    wire[at % wire.length] = value;
    Frame view = new Frame();
    if (view.parse(wire)) {
      assertThat(EthernetFrame.decode(wire)).isNotNull();
    }
    byte[] shorter = Arrays.copyOf(wire, at % wire.length);
    view.parse(shorter);
  }
}
