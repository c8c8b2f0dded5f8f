package org.nsvpn.namespacemanager.xfrm;

import java.nio.ByteBuffer;
import org.nsvpn.chainrules.net.IpFamily;

/**
 * {@code struct xfrm_usersa_id} (linux/xfrm.h), the key of an SA in delete and get requests: {@code
 * xfrm_address_t daddr}, {@code __be32 spi}, {@code __u16 family}, {@code __u8 proto}, padding. 24
 * bytes.
 */
public record XfrmUserSaId(XfrmId id) {
  public static final int SIZE = 24;

  public void encode(ByteBuffer out) {
    XfrmWire.putAddress(out, id.destination());
    XfrmWire.putBe32(out, id.spi());
    out.putShort((short) XfrmWire.family(id.destination().family()));
    out.put((byte) id.protocol());
    out.put((byte) 0);
  }

  public static XfrmUserSaId decode(ByteBuffer in) {
    int start = in.position();
    IpFamily family = XfrmWire.family(Short.toUnsignedInt(in.getShort(start + 20)));
    var destination = XfrmWire.getAddress(in, family);
    int spi = XfrmWire.getBe32(in);
    in.getShort();
    int protocol = Byte.toUnsignedInt(in.get());
    in.get();
    return new XfrmUserSaId(new XfrmId(destination, spi, protocol));
  }
}
