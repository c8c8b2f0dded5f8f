package org.nsvpn.namespacemanager.xfrm;

import java.nio.ByteBuffer;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpFamily;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.namespacemanager.netlink.Checks;

/**
 * {@code struct xfrm_selector} (linux/xfrm.h), the traffic a policy or SA applies to: {@code
 * xfrm_address_t daddr, saddr}, {@code __be16 dport, dport_mask, sport, sport_mask}, {@code __u16
 * family}, {@code __u8 prefixlen_d, prefixlen_s, proto}, {@code int ifindex}, {@code
 * __kernel_uid32_t user}. 56 bytes.
 *
 * @param destination daddr/prefixlen_d
 * @param source saddr/prefixlen_s; the same family as the destination
 * @param protocol IP protocol, 0 for any
 * @param destinationPort 0 for any (its mask is then 0, else 0xffff)
 * @param sourcePort 0 for any
 * @param interfaceIndex 0 for any
 */
public record XfrmSelector(
    IpSubnet destination,
    IpSubnet source,
    int protocol,
    int destinationPort,
    int sourcePort,
    int interfaceIndex) {
  public static final int SIZE = 56;

  public XfrmSelector {
    Require.nonNull("selector destination", destination);
    Require.nonNull("selector source", source);
    if (destination.family() != source.family()) {
      throw new InvalidValueException(
          "selector source",
          source,
          "is " + source.family() + " but the destination " + destination + " is not");
    }
    Checks.u8("selector protocol", protocol);
    Checks.u16("selector destination port", destinationPort);
    Checks.u16("selector source port", sourcePort);
  }

  /** All traffic from {@code source} to {@code destination}. */
  public static XfrmSelector between(IpSubnet source, IpSubnet destination) {
    return new XfrmSelector(destination, source, 0, 0, 0, 0);
  }

  public XfrmSelector withProtocol(int ipProtocol) {
    return new XfrmSelector(
        destination, source, ipProtocol, destinationPort, sourcePort, interfaceIndex);
  }

  public IpFamily family() {
    return destination.family();
  }

  public void encode(ByteBuffer out) {
    XfrmWire.putAddress(out, destination.address());
    XfrmWire.putAddress(out, source.address());
    XfrmWire.putBe16(out, destinationPort);
    XfrmWire.putBe16(out, destinationPort == 0 ? 0 : 0xffff);
    XfrmWire.putBe16(out, sourcePort);
    XfrmWire.putBe16(out, sourcePort == 0 ? 0 : 0xffff);
    out.putShort((short) XfrmWire.family(family()));
    out.put((byte) destination.prefixLength());
    out.put((byte) source.prefixLength());
    out.put((byte) protocol);
    XfrmWire.zeros(out, 3);
    out.putInt(interfaceIndex);
    out.putInt(0);
  }

  public static XfrmSelector decode(ByteBuffer in) {
    int start = in.position();
    in.position(start + 40);
    IpFamily family = XfrmWire.family(Short.toUnsignedInt(in.getShort()));
    int destinationLength = Byte.toUnsignedInt(in.get());
    int sourceLength = Byte.toUnsignedInt(in.get());
    int protocol = Byte.toUnsignedInt(in.get());
    in.position(start);
    IpAddress daddr = XfrmWire.getAddress(in, family);
    IpAddress saddr = XfrmWire.getAddress(in, family);
    int dport = XfrmWire.getBe16(in);
    XfrmWire.getBe16(in);
    int sport = XfrmWire.getBe16(in);
    XfrmWire.getBe16(in);
    in.position(start + 48);
    int ifindex = in.getInt();
    in.getInt();
    return new XfrmSelector(
        IpSubnet.containing(daddr, destinationLength),
        IpSubnet.containing(saddr, sourceLength),
        protocol,
        dport,
        sport,
        ifindex);
  }
}
