package org.nsvpn.namespacemanager.xfrm;

import java.nio.ByteBuffer;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpFamily;
import org.nsvpn.namespacemanager.netlink.Checks;

/**
 * {@code struct xfrm_id} (linux/xfrm.h), what identifies an SA: {@code xfrm_address_t daddr},
 * {@code __be32 spi}, {@code __u8 proto}. 24 bytes.
 *
 * @param spi the security parameter index (its 32 bits)
 * @param protocol {@link XfrmConstants#IPPROTO_ESP}, {@code _AH} or {@code _COMP}
 */
public record XfrmId(IpAddress destination, int spi, int protocol) {
  public static final int SIZE = 24;

  public XfrmId {
    Require.nonNull("SA destination", destination);
    Checks.u8("SA protocol", protocol);
  }

  public void encode(ByteBuffer out) {
    XfrmWire.putAddress(out, destination);
    XfrmWire.putBe32(out, spi);
    out.put((byte) protocol);
    XfrmWire.zeros(out, 3);
  }

  public static XfrmId decode(ByteBuffer in, IpFamily family) {
    IpAddress destination = XfrmWire.getAddress(in, family);
    int spi = XfrmWire.getBe32(in);
    int protocol = Byte.toUnsignedInt(in.get());
    XfrmWire.skip(in, 3);
    return new XfrmId(destination, spi, protocol);
  }
}
