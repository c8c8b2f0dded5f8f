package org.nsvpn.ovsdb.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.io.IOException;

/** Writes a {@link JsonRpcMessage} as compact UTF-8 JSON; RFC 7047 needs no framing. */
@Sharable
public final class JsonRpcEncoder extends MessageToByteEncoder<JsonRpcMessage> {
  /** The encoder holds no state; one instance serves every channel. */
  public static final JsonRpcEncoder INSTANCE = new JsonRpcEncoder();

  private JsonRpcEncoder() {
    super(JsonRpcMessage.class);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, JsonRpcMessage msg, ByteBuf out)
      throws IOException {
    try (ByteBufOutputStream stream = new ByteBufOutputStream(out)) {
      OvsdbJson.MAPPER.writeValue((java.io.OutputStream) stream, msg.toJson());
    }
  }
}
