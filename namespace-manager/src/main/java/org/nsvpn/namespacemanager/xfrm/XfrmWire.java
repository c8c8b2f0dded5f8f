package org.nsvpn.namespacemanager.xfrm;

import java.nio.ByteBuffer;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpFamily;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.Ipv6Address;
import org.nsvpn.namespacemanager.netlink.NetlinkProtocolException;

/** Field codecs shared by the XFRM structs: {@code xfrm_address_t} and big-endian fields. */
final class XfrmWire {
  static final int ADDRESS_SIZE = 16;

  private XfrmWire() {}

  static int family(IpFamily family) {
    return family == IpFamily.IPV4 ? XfrmConstants.AF_INET : XfrmConstants.AF_INET6;
  }

  static IpFamily family(int af) {
    return switch (af) {
      case XfrmConstants.AF_INET -> IpFamily.IPV4;
      case XfrmConstants.AF_INET6 -> IpFamily.IPV6;
      default -> throw new NetlinkProtocolException("XFRM address family " + af + " unknown");
    };
  }

  /** {@code xfrm_address_t}: 16 bytes, an IPv4 address in the first four. */
  static void putAddress(ByteBuffer out, IpAddress address) {
    byte[] bytes = address.toBytes();
    out.put(bytes);
    for (int i = bytes.length; i < ADDRESS_SIZE; i++) {
      out.put((byte) 0);
    }
  }

  static IpAddress getAddress(ByteBuffer in, IpFamily family) {
    byte[] bytes = new byte[ADDRESS_SIZE];
    in.get(bytes);
    if (family == IpFamily.IPV4) {
      return Ipv4Address.fromBytes(new byte[] {bytes[0], bytes[1], bytes[2], bytes[3]});
    }
    return Ipv6Address.fromBytes(bytes);
  }

  static void putBe16(ByteBuffer out, int value) {
    out.put((byte) (value >>> 8)).put((byte) value);
  }

  static int getBe16(ByteBuffer in) {
    return (Byte.toUnsignedInt(in.get()) << 8) | Byte.toUnsignedInt(in.get());
  }

  static void putBe32(ByteBuffer out, int value) {
    putBe16(out, value >>> 16);
    putBe16(out, value & 0xffff);
  }

  static int getBe32(ByteBuffer in) {
    return getBe16(in) << 16 | getBe16(in);
  }

  static void skip(ByteBuffer in, int bytes) {
    in.position(in.position() + bytes);
  }

  static void zeros(ByteBuffer out, int bytes) {
    for (int i = 0; i < bytes; i++) {
      out.put((byte) 0);
    }
  }
}
