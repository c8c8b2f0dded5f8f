package org.nsvpn.strongswan.vici;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Random bytes never crash the decoder: they decode, or fail as a VICI protocol error. */
class ViciDecoderFuzzTest {
  private static ResourceLeakDetector.Level previous;

  @BeforeContainer
  static void paranoid() {
    previous = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
  }

  @AfterContainer
  static void noLeaks() throws InterruptedException {
    try {
      NettyLeaks.assertNoLeaks();
    } finally {
      ResourceLeakDetector.setLevel(previous);
    }
  }

  /** Found by the property below: invalid UTF-8 in a name must be a protocol error. */
  @Example
  void aNameOfInvalidUtf8IsAProtocolError() {
    byte[] stream = new byte[4 + 2 + 200];
    stream[3] = (byte) (2 + 200);
    stream[4] = 0; // CMD_REQUEST, a named packet type
    stream[5] = (byte) 200;
    Arrays.fill(stream, 6, stream.length, (byte) 0xff);
    EmbeddedChannel channel = new EmbeddedChannel(new ViciFrameDecoder());
    try {
      assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(stream)))
          .isInstanceOf(ViciProtocolException.class)
          .hasMessageContaining("not valid UTF-8");
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  @Property(tries = 2000)
  void randomStreamsDecodeOrFailCleanly(@ForAll("streams") byte[] stream) {
    feed(stream);
  }

  @Property(tries = 2000)
  void mutatedPacketsDecodeOrFailCleanly(
      @ForAll("positions") int position, @ForAll byte replacement, @ForAll boolean cut) {
    byte[] packet = ViciCodecTest.examplePacketBytes();
    int at = position % packet.length;
    byte[] mutated = cut ? Arrays.copyOf(packet, at) : packet.clone();
    if (!cut) {
      mutated[at] = replacement;
    }
    feed(mutated);
  }

  /** Random streams, many of them with a plausible length prefix so the body parser is reached. */
  @Provide
  Arbitrary<byte[]> streams() {
    Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    Arbitrary<byte[]> framed =
        Arbitraries.bytes()
            .array(byte[].class)
            .ofMaxSize(200)
            .map(
                body -> {
                  byte[] out = new byte[body.length + 4];
                  out[2] = (byte) (body.length >>> 8);
                  out[3] = (byte) body.length;
                  System.arraycopy(body, 0, out, 4, body.length);
                  if (body.length > 0) {
                    out[4] = (byte) Math.floorMod(body[0], 8);
                  }
                  return out;
                });
    return Arbitraries.oneOf(raw, framed);
  }

  @Provide
  Arbitrary<Integer> positions() {
    return Arbitraries.integers().between(0, 10_000);
  }

  /** Feeds the stream and closes it; only VICI protocol errors may come out, and no leaks. */
  private static void feed(byte[] stream) {
    EmbeddedChannel channel = new EmbeddedChannel(new ViciFrameDecoder());
    try {
      channel.writeInbound(Unpooled.wrappedBuffer(stream));
    } catch (ViciProtocolException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
    try {
      channel.finish();
    } catch (ViciProtocolException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
    Object packet;
    while ((packet = channel.readInbound()) != null) {
      assertThat(packet).isInstanceOf(ViciPacket.class);
    }
    channel.releaseOutbound();
  }
}
