package org.nsvpn.strongswan.vici;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes a {@link ViciPacket} as one length-prefixed VICI segment. Stateless and {@link Sharable}:
 * use {@link #INSTANCE}.
 */
@Sharable
public final class ViciPacketEncoder extends MessageToByteEncoder<ViciPacket> {
  public static final ViciPacketEncoder INSTANCE = new ViciPacketEncoder();

  private ViciPacketEncoder() {
    super(ViciPacket.class);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, ViciPacket packet, ByteBuf out) {
    int start = out.writerIndex();
    out.writeInt(0);
    ViciMessageCodec.encodePacket(packet, out);
    int length = out.writerIndex() - start - 4;
    if (length > ViciFrameDecoder.MAX_SEGMENT) {
      out.writerIndex(start);
      throw new EncoderException(
          packet.type()
              + packet.name().map(n -> " " + n).orElse("")
              + " encodes to "
              + length
              + " bytes, more than VICI's maximum of "
              + ViciFrameDecoder.MAX_SEGMENT);
    }
    out.setInt(start, length);
  }
}
