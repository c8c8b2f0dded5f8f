package org.nsvpn.strongswan.vici;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The VICI codec against the protocol description's own encoding example (golden bytes), round
 * trips through an EmbeddedChannel with paranoid leak detection, and every truncation.
 */
@ExtendWith(NettyLeaks.class)
class ViciCodecTest {
  /**
   * The example tree of the VICI protocol description: {@code key1 = value1} and {@code section1 =
   * { sub-section = { key2 = value2 } list1 = [ item1, item2 ] }}.
   */
  static ViciSection exampleTree() {
    return ViciSection.builder()
        .put("key1", "value1")
        .put(
            "section1",
            ViciSection.builder()
                .put("sub-section", ViciSection.builder().put("key2", "value2").build())
                .putList("list1", List.of("item1", "item2"))
                .build())
        .build();
  }

  /** The bytes the protocol description gives for the example, element by element. */
  static byte[] exampleBytes() {
    Bytes b = new Bytes();
    b.u8(3).name("key1").value("value1");
    b.u8(1).name("section1");
    b.u8(1).name("sub-section");
    b.u8(3).name("key2").value("value2");
    b.u8(2);
    b.u8(4).name("list1");
    b.u8(5).value("item1");
    b.u8(5).value("item2");
    b.u8(6);
    b.u8(2);
    return b.toByteArray();
  }

  @Test
  void encodesTheProtocolExampleExactly() {
    byte[] golden = exampleBytes();
    assertThat(golden)
        .as("sanity: the description's array starts 3, 4,'k','e','y','1', 0,6,...")
        .startsWith(3, 4, 'k', 'e', 'y', '1', 0, 6, 'v', 'a', 'l', 'u', 'e', '1');
    assertThat(golden).hasSize(77);
    ByteBuf out = Unpooled.buffer();
    try {
      ViciMessageCodec.encodeMessage(exampleTree(), out);
      assertThat(ByteBufUtil.getBytes(out)).isEqualTo(golden);
    } finally {
      out.release();
    }
  }

  @Test
  void decodesTheProtocolExample() {
    ByteBuf in = Unpooled.wrappedBuffer(exampleBytes());
    try {
      ViciSection decoded = ViciMessageCodec.decodeMessage(in);
      assertThat(decoded).isEqualTo(exampleTree());
      assertThat(decoded.text("key1")).contains("value1");
      ViciSection section1 = decoded.section("section1").orElseThrow();
      assertThat(section1.section("sub-section").orElseThrow().text("key2")).contains("value2");
      assertThat(section1.texts("list1")).containsExactly("item1", "item2");
      assertThat(List.copyOf(section1.entries().keySet())).containsExactly("sub-section", "list1");
    } finally {
      in.release();
    }
  }

  @Test
  void framesPacketsWithLengthTypeAndName() {
    // A version request: length 9, CMD_REQUEST, name "version" (7 bytes), empty message.
    byte[] version = {0, 0, 0, 9, 0, 7, 'v', 'e', 'r', 's', 'i', 'o', 'n'};
    EmbeddedChannel out = new EmbeddedChannel(ViciPacketEncoder.INSTANCE);
    assertThat(out.writeOutbound(ViciPacket.request("version", ViciSection.empty()))).isTrue();
    ByteBuf written = out.readOutbound();
    try {
      assertThat(ByteBufUtil.getBytes(written)).isEqualTo(version);
    } finally {
      written.release();
    }
    assertThat(out.finish()).isFalse();

    // An EVENT_CONFIRM is a single byte; an event carries name and message.
    // length: type + name length byte + "list-sa" (7) + message (77)
    byte[] eventBytes =
        new Bytes().u32(1 + 1 + 7 + 77).u8(7).name("list-sa").bytes(exampleBytes()).toByteArray();
    EmbeddedChannel in = new EmbeddedChannel(new ViciFrameDecoder());
    assertThat(in.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 1, 5}))).isTrue();
    assertThat(in.writeInbound(Unpooled.wrappedBuffer(eventBytes))).isTrue();
    assertThat((ViciPacket) in.readInbound())
        .isEqualTo(ViciPacket.bare(ViciPacketType.EVENT_CONFIRM));
    assertThat((ViciPacket) in.readInbound()).isEqualTo(ViciPacket.event("list-sa", exampleTree()));
    assertThat(in.finish()).isFalse();
  }

  @Test
  void roundTripsEveryPacketTypeThroughTheCodec() {
    ViciSection binary =
        ViciSection.builder()
            .put("data", ViciValue.ofBytes(new byte[] {0, (byte) 0xff, 10, 0}))
            .put("empty", "")
            .put("", ViciSection.builder().putList("none", List.of()).build())
            .build();
    List<ViciPacket> packets =
        List.of(
            ViciPacket.request("load-conn", exampleTree()),
            ViciPacket.request("version", ViciSection.empty()),
            ViciPacket.response(binary),
            ViciPacket.bare(ViciPacketType.CMD_UNKNOWN),
            ViciPacket.register("ike-updown"),
            ViciPacket.unregister("ike-updown"),
            ViciPacket.bare(ViciPacketType.EVENT_CONFIRM),
            ViciPacket.bare(ViciPacketType.EVENT_UNKNOWN),
            ViciPacket.event("log", exampleTree()));
    EmbeddedChannel out = new EmbeddedChannel(ViciPacketEncoder.INSTANCE);
    EmbeddedChannel in = new EmbeddedChannel(new ViciFrameDecoder());
    for (ViciPacket packet : packets) {
      out.writeOutbound(packet);
    }
    // Feed the stream back one byte at a time: framing must not depend on read boundaries.
    ByteBuf stream = Unpooled.buffer();
    ByteBuf chunk;
    while ((chunk = out.readOutbound()) != null) {
      stream.writeBytes(chunk);
      chunk.release();
    }
    while (stream.isReadable()) {
      in.writeInbound(stream.readRetainedSlice(1));
    }
    stream.release();
    for (ViciPacket packet : packets) {
      assertThat((ViciPacket) in.readInbound()).isEqualTo(packet);
    }
    assertThat(in.<Object>readInbound()).isNull();
    assertThat(out.finish()).isFalse();
    assertThat(in.finish()).isFalse();
  }

  @Test
  void everyTruncationOfTheStreamIsAProtocolError() {
    byte[] packet = examplePacketBytes();
    for (int length = 1; length < packet.length; length++) {
      EmbeddedChannel in = new EmbeddedChannel(new ViciFrameDecoder());
      byte[] prefix = Arrays.copyOf(packet, length);
      in.writeInbound(Unpooled.wrappedBuffer(prefix));
      assertThat(in.<Object>readInbound()).as("nothing decoded from %d bytes", length).isNull();
      int cut = length;
      assertThatThrownBy(in::finish)
          .as("stream cut after %d of %d bytes", cut, packet.length)
          .isInstanceOf(ViciProtocolException.class)
          .hasMessageContaining("ended inside a packet");
    }
  }

  @Test
  void everyTruncationInsideAFrameIsAProtocolErrorUnlessItEndsBetweenElements() {
    // The length field agrees with the bytes, but the packet body itself is cut short.
    byte[] full = examplePacketBytes();
    byte[] body = Arrays.copyOfRange(full, 4, full.length);
    List<Integer> accepted = new ArrayList<>();
    for (int length = 0; length < body.length; length++) {
      Bytes frame = new Bytes().u32(length).bytes(Arrays.copyOf(body, length));
      EmbeddedChannel in = new EmbeddedChannel(new ViciFrameDecoder());
      try {
        in.writeInbound(Unpooled.wrappedBuffer(frame.toByteArray()));
        accepted.add(length);
      } catch (ViciProtocolException e) {
        assertThat(e.getMessage()).isNotBlank();
      }
      in.finishAndReleaseAll();
    }
    // Only two cuts leave a valid packet: right after the name (an event with an empty message)
    // and right after "key1 = value1" (the rest of the message is a whole top-level section).
    assertThat(accepted).containsExactly(9, 9 + 14);
  }

  @Test
  void rejectsMalformedMessages() {
    assertMalformed(new Bytes().u8(9), "unknown VICI message element type 9");
    assertMalformed(new Bytes().u8(2), "SECTION_END without an open section");
    assertMalformed(new Bytes().u8(1).name("s"), "ends inside section 's'");
    assertMalformed(new Bytes().u8(4).name("l").u8(5).value("x"), "ends inside list 'l'");
    assertMalformed(new Bytes().u8(5).value("x"), "LIST_ITEM outside a list");
    assertMalformed(new Bytes().u8(6), "LIST_END without an open list");
    assertMalformed(
        new Bytes().u8(4).name("l").u8(3).name("k").value("v"), "KEY_VALUE inside list 'l'");
    assertMalformed(
        new Bytes().u8(3).name("k").value("a").u8(3).name("k").value("b"), "duplicate VICI name");
    Bytes deep = new Bytes();
    for (int i = 0; i <= ViciMessageCodec.MAX_DEPTH; i++) {
      deep.u8(1).name("s" + i);
    }
    assertMalformed(deep, "nested deeper than");
  }

  @Test
  void rejectsMalformedPackets() {
    assertBadFrame(new Bytes().u32(0), "empty VICI packet");
    assertBadFrame(new Bytes().u32(1).u8(8), "unknown VICI packet type 8");
    assertBadFrame(new Bytes().u32(2).u8(5).u8(0), "carries no message, but 1 bytes follow");
    assertBadFrame(
        new Bytes().u32(ViciFrameDecoder.MAX_SEGMENT + 1), "longer than the maximum of 524288");
    assertBadFrame(new Bytes().u32(0xffffffffL), "longer than the maximum");
  }

  @Test
  void secretsNeverShowInText() {
    ViciSection shared =
        ViciSection.builder()
            .put("type", "IKE")
            .put("data", ViciValue.secret("very-secret-psk".getBytes(StandardCharsets.UTF_8)))
            .build();
    assertThat(shared.toString()).doesNotContain("very-secret-psk").contains("<secret, 15 bytes>");
    assertThat(ViciPacket.request("load-shared", shared).toString())
        .doesNotContain("very-secret-psk");
  }

  @Test
  void buildersRejectWhatTheWireCannotCarry() {
    assertThatThrownBy(() -> ViciSection.builder().put("x".repeat(256), "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("256 bytes exceeds the maximum of 255");
    assertThatThrownBy(() -> ViciValue.ofBytes(new byte[65536]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("65536 bytes exceeds the maximum of 65535");
    assertThatThrownBy(() -> ViciSection.builder().put("k", "a").put("k", "b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duplicate VICI name 'k'");
    assertThatThrownBy(() -> ViciPacket.bare(ViciPacketType.EVENT))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertMalformed(Bytes message, String expected) {
    ByteBuf in = Unpooled.wrappedBuffer(message.toByteArray());
    try {
      assertThatThrownBy(() -> ViciMessageCodec.decodeMessage(in))
          .isInstanceOf(ViciProtocolException.class)
          .hasMessageContaining(expected);
    } finally {
      in.release();
    }
  }

  private static void assertBadFrame(Bytes frame, String expected) {
    EmbeddedChannel in = new EmbeddedChannel(new ViciFrameDecoder());
    assertThatThrownBy(() -> in.writeInbound(Unpooled.wrappedBuffer(frame.toByteArray())))
        .isInstanceOf(DecoderException.class)
        .isInstanceOf(ViciProtocolException.class)
        .hasMessageContaining(expected);
    in.finishAndReleaseAll();
  }

  /** An EVENT "list-sa" carrying the example message, length prefix included. */
  static byte[] examplePacketBytes() {
    byte[] message = exampleBytes();
    return new Bytes()
        .u32(1 + 1 + 7 + message.length)
        .u8(7)
        .name("list-sa")
        .bytes(message)
        .toByteArray();
  }

  /** Builds test byte strings the way the protocol description spells them. */
  static final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Bytes u8(int value) {
      out.write(value);
      return this;
    }

    Bytes u32(long value) {
      for (int shift = 24; shift >= 0; shift -= 8) {
        out.write((int) (value >>> shift) & 0xff);
      }
      return this;
    }

    Bytes name(String name) {
      byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
      out.write(bytes.length);
      out.writeBytes(bytes);
      return this;
    }

    Bytes value(String value) {
      byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
      out.write(bytes.length >>> 8);
      out.write(bytes.length & 0xff);
      out.writeBytes(bytes);
      return this;
    }

    Bytes bytes(byte[] bytes) {
      out.writeBytes(bytes);
      return this;
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }
}
