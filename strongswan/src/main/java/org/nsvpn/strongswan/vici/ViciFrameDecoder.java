package org.nsvpn.strongswan.vici;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Splits the VICI byte stream at its 32-bit big-endian length prefixes and decodes each segment
 * into a {@link ViciPacket}. Segments longer than {@link #MAX_SEGMENT} (charon's limit, 512 KiB)
 * are refused as soon as their length is read. A stream that ends inside a segment is a {@link
 * ViciProtocolException} too, so a truncated packet never goes unnoticed.
 *
 * <p>Stateful: one instance per channel.
 */
public final class ViciFrameDecoder extends LengthFieldBasedFrameDecoder {
  /** The largest segment charon sends or accepts. */
  public static final int MAX_SEGMENT = 512 * 1024;

  private static final int LENGTH_FIELD = 4;

  public ViciFrameDecoder() {
    super(ByteOrder.BIG_ENDIAN, MAX_SEGMENT + LENGTH_FIELD, 0, LENGTH_FIELD, 0, LENGTH_FIELD, true);
  }

  @Override
  protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
    ByteBuf frame;
    try {
      frame = (ByteBuf) super.decode(ctx, in);
    } catch (TooLongFrameException e) {
      throw new ViciProtocolException(
          "VICI segment longer than the maximum of " + MAX_SEGMENT + " bytes", e);
    }
    if (frame == null) {
      return null;
    }
    try {
      return ViciMessageCodec.decodePacket(frame);
    } finally {
      frame.release();
    }
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out)
      throws Exception {
    super.decodeLast(ctx, in, out);
    if (in.isReadable()) {
      int left = in.readableBytes();
      in.skipBytes(left);
      throw new ViciProtocolException(
          "VICI stream ended inside a packet (" + left + " bytes of an incomplete segment)");
    }
  }
}
