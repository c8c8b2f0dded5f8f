package org.nsvpn.namespacemanager.xfrm;

import java.nio.ByteBuffer;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpFamily;
import org.nsvpn.namespacemanager.netlink.Checks;

/**
 * {@code struct xfrm_user_tmpl} (linux/xfrm.h), one transform a policy requires: {@code struct
 * xfrm_id id}, {@code __u16 family}, {@code xfrm_address_t saddr}, {@code __u32 reqid}, {@code __u8
 * mode, share, optional}, {@code __u32 aalgos, ealgos, calgos}. 64 bytes.
 */
public record XfrmUserTemplate(
    XfrmId id,
    IpAddress source,
    int reqid,
    int mode,
    int share,
    boolean optional,
    int authenticationAlgorithms,
    int encryptionAlgorithms,
    int compressionAlgorithms) {
  public static final int SIZE = 64;

  public XfrmUserTemplate {
    Require.nonNull("template id", id);
    Require.nonNull("template source", source);
    if (source.family() != id.destination().family()) {
      throw new InvalidValueException(
          "template source", source, "is not of the destination's family " + id.destination());
    }
    Checks.u8("template mode", mode);
    Checks.u8("template share", share);
  }

  /** A tunnel-mode template for {@code protocol} between two gateways, any algorithm, any SPI. */
  public static XfrmUserTemplate tunnel(
      IpAddress source, IpAddress destination, int protocol, int reqid) {
    return new XfrmUserTemplate(
        new XfrmId(destination, 0, protocol),
        source,
        reqid,
        XfrmConstants.XFRM_MODE_TUNNEL,
        0,
        false,
        -1,
        -1,
        -1);
  }

  public void encode(ByteBuffer out) {
    id.encode(out);
    out.putShort((short) XfrmWire.family(id.destination().family()));
    out.putShort((short) 0);
    XfrmWire.putAddress(out, source);
    out.putInt(reqid);
    out.put((byte) mode).put((byte) share).put((byte) (optional ? 1 : 0)).put((byte) 0);
    out.putInt(authenticationAlgorithms);
    out.putInt(encryptionAlgorithms);
    out.putInt(compressionAlgorithms);
  }

  public static XfrmUserTemplate decode(ByteBuffer in) {
    int start = in.position();
    IpFamily family = XfrmWire.family(Short.toUnsignedInt(in.getShort(start + 24)));
    XfrmId id = XfrmId.decode(in, family);
    in.getShort();
    in.getShort();
    IpAddress source = XfrmWire.getAddress(in, family);
    int reqid = in.getInt();
    int mode = Byte.toUnsignedInt(in.get());
    int share = Byte.toUnsignedInt(in.get());
    boolean optional = in.get() != 0;
    in.get();
    return new XfrmUserTemplate(
        id, source, reqid, mode, share, optional, in.getInt(), in.getInt(), in.getInt());
  }
}
