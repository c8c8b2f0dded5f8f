package org.nsvpn.ovsdb.wire;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.json.JsonObjectDecoder;

/** Installs the RFC 7047 codec: framing of concatenated JSON values, decoding, encoding. */
public final class JsonRpcCodec {
  /** Name of the framing handler in the pipeline. */
  public static final String FRAMER = "ovsdb-framer";

  /** Name of the decoder. */
  public static final String DECODER = "ovsdb-decoder";

  /** Name of the encoder. */
  public static final String ENCODER = "ovsdb-encoder";

  private JsonRpcCodec() {}

  /**
   * Adds framer, decoder and encoder at the end of {@code pipeline}. A JSON value longer than
   * {@code maxMessageBytes} fails with a {@code TooLongFrameException} and the rest of the stream
   * is unusable.
   */
  public static void install(ChannelPipeline pipeline, int maxMessageBytes) {
    pipeline.addLast(FRAMER, new JsonObjectDecoder(maxMessageBytes));
    pipeline.addLast(DECODER, new JsonRpcDecoder());
    pipeline.addLast(ENCODER, JsonRpcEncoder.INSTANCE);
  }
}
