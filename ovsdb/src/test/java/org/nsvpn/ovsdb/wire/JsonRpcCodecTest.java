package org.nsvpn.ovsdb.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nsvpn.ovsdb.api.OvsdbProtocolException;
import org.nsvpn.ovsdb.testing.NettyLeakCheck;

/** The codec on an {@link EmbeddedChannel}: framing, decoding, encoding, errors, no leaks. */
@ExtendWith(NettyLeakCheck.class)
class JsonRpcCodecTest {
  private final EmbeddedChannel channel = new EmbeddedChannel();

  JsonRpcCodecTest() {
    JsonRpcCodec.install(channel.pipeline(), 4096);
  }

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  private static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
  }

  private List<JsonRpcMessage> readAll() {
    List<JsonRpcMessage> out = new ArrayList<>();
    JsonRpcMessage m;
    while ((m = channel.readInbound()) != null) {
      out.add(m);
    }
    return out;
  }

  @Test
  void concatenatedValuesWithoutSeparatorsAreFramedOneByOne() {
    channel.writeInbound(
        bytes(
            "{\"id\":1,\"result\":[\"IPsec\"],\"error\":null}"
                + "{\"method\":\"update\",\"params\":[\"m\",{}],\"id\":null}\n"
                + "{\"method\":\"echo\",\"params\":[],\"id\":\"e\"}"));
    List<JsonRpcMessage> messages = readAll();
    assertThat(messages).hasSize(3);
    assertThat(messages.get(0)).isInstanceOf(JsonRpcMessage.Response.class);
    assertThat(((JsonRpcMessage.Request) messages.get(1)).isNotification()).isTrue();
    assertThat(((JsonRpcMessage.Request) messages.get(2)).method()).isEqualTo("echo");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 13})
  void aValueSplitAnywhereIsReassembled(int chunk) {
    String text =
        "{\"id\":7,\"result\":[{\"details\":\"a } and a \\\" and a { in a string\"}],\"error\":null}";
    byte[] all = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < all.length; i += chunk) {
      channel.writeInbound(Unpooled.copiedBuffer(all, i, Math.min(chunk, all.length - i)));
    }
    List<JsonRpcMessage> messages = readAll();
    assertThat(messages).hasSize(1);
    JsonRpcMessage.Response r = (JsonRpcMessage.Response) messages.get(0);
    assertThat(r.id().asLong()).isEqualTo(7);
    assertThat(r.result().get(0).get("details").asText())
        .isEqualTo("a } and a \" and a { in a string");
  }

  @Test
  void multiByteUtf8SurvivesSplitting() {
    String text = "{\"id\":1,\"result\":\"caf\u00e9 \u20ac \ud83d\udd12\",\"error\":null}";
    byte[] all = text.getBytes(StandardCharsets.UTF_8);
    for (byte b : all) {
      channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
    }
    JsonRpcMessage.Response r = (JsonRpcMessage.Response) readAll().get(0);
    assertThat(r.result().asText()).isEqualTo("caf\u00e9 \u20ac \ud83d\udd12");
  }

  @Test
  void malformedJsonIsAProtocolError() {
    assertThatThrownBy(() -> channel.writeInbound(bytes("{\"id\":1,\"result\":nope}")))
        .isInstanceOf(DecoderException.class)
        .hasCauseInstanceOf(OvsdbProtocolException.class)
        .hasMessageContaining("malformed JSON");
  }

  @Test
  void bytesThatStartNoJsonValueAreRejectedByTheFramer() {
    assertThatThrownBy(() -> channel.writeInbound(bytes("hello")))
        .isInstanceOf(CorruptedFrameException.class);
  }

  @Test
  void aValueOverTheLimitIsRejectedWithoutBufferingIt() {
    assertThatThrownBy(
            () -> channel.writeInbound(bytes("{\"id\":1,\"result\":\"" + "x".repeat(8192) + "\"}")))
        .isInstanceOf(TooLongFrameException.class);
  }

  @Test
  void wellFormedButNotJsonRpcIsAProtocolError() {
    assertThatThrownBy(() -> channel.writeInbound(bytes("{\"method\":\"echo\",\"params\":{}}")))
        .hasCauseInstanceOf(OvsdbProtocolException.class)
        .hasMessageContaining("params is not an array");
    assertThatThrownBy(() -> channel.writeInbound(bytes("{\"result\":1,\"error\":null}")))
        .hasMessageContaining("without an id");
  }

  @Test
  void encoderWritesCompactJsonThatDecodesBack() {
    JsonRpcMessage.Request request =
        new JsonRpcMessage.Request(
            "transact",
            JsonNodeFactory.instance
                .arrayNode()
                .add("IPsec")
                .add(JsonNodeFactory.instance.objectNode().put("op", "abort")),
            LongNode.valueOf(42));
    channel.writeOutbound(request);
    ByteBuf out = channel.readOutbound();
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .isEqualTo("{\"method\":\"transact\",\"params\":[\"IPsec\",{\"op\":\"abort\"}],\"id\":42}");
    channel.writeInbound(out);
    List<JsonRpcMessage> back = readAll();
    assertThat(back).hasSize(1);
    assertThat(back.get(0).toJson().toString()).isEqualTo(request.toJson().toString());
  }
}
