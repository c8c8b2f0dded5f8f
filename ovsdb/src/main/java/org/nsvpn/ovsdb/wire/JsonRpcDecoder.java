package org.nsvpn.ovsdb.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.io.IOException;
import java.util.List;
import org.nsvpn.ovsdb.api.OvsdbProtocolException;

/**
 * Turns one framed JSON value (from {@link io.netty.handler.codec.json.JsonObjectDecoder}) into a
 * {@link JsonRpcMessage}. Malformed JSON or a non-JSON-RPC value raises {@link
 * OvsdbProtocolException} (wrapped by Netty in a {@code DecoderException}).
 */
public final class JsonRpcDecoder extends MessageToMessageDecoder<ByteBuf> {

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
    out.add(JsonRpcMessage.fromJson(parse(frame)));
  }

  private static byte[] bytes(ByteBuf frame) {
    if (frame.hasArray()
        && frame.arrayOffset() == 0
        && frame.readerIndex() == 0
        && frame.array().length == frame.readableBytes()) {
      return frame.array();
    }
    return ByteBufUtil.getBytes(frame);
  }

  static JsonNode parse(ByteBuf frame) {
    try (JsonParser parser = OvsdbJson.MAPPER.getFactory().createParser(bytes(frame))) {
      JsonNode node = OvsdbJson.MAPPER.readTree(parser);
      if (node == null || parser.nextToken() != null) {
        throw new OvsdbProtocolException("frame is not exactly one JSON value");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new OvsdbProtocolException("malformed JSON from peer: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new OvsdbProtocolException("unreadable JSON from peer: " + e.getMessage(), e);
    }
  }
}
