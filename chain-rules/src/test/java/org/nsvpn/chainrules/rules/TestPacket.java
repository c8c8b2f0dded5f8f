package org.nsvpn.chainrules.rules;

import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.MacAddress;

/**
 * Packet fields for condition tests, with "with" methods so that each test states only what it
 * varies.
 */
record TestPacket(
    PortId inPort,
    PortId outPort,
    int etherType,
    MacAddress ethSrc,
    MacAddress ethDst,
    IpAddress nwSrc,
    IpAddress nwDst,
    int nwProto,
    int tpSrc,
    int tpDst,
    FragmentType fragmentType)
    implements PacketFields {

  static final MacAddress SRC_MAC = MacAddress.parse("02:00:00:00:00:01");
  static final MacAddress DST_MAC = MacAddress.parse("02:00:00:00:00:02");

  /** A UDP packet 198.51.100.10:40000 -> 203.0.113.1:500. */
  static TestPacket udp() {
    return new TestPacket(
        null,
        null,
        0x0800,
        SRC_MAC,
        DST_MAC,
        IpAddress.parse("198.51.100.10"),
        IpAddress.parse("203.0.113.1"),
        17,
        40000,
        500,
        FragmentType.UNFRAGMENTED);
  }

  /** An ARP frame: no IP or L4 fields. */
  static TestPacket arp() {
    return new TestPacket(
        null,
        null,
        0x0806,
        SRC_MAC,
        MacAddress.BROADCAST,
        null,
        null,
        -1,
        -1,
        -1,
        FragmentType.UNFRAGMENTED);
  }

  TestPacket withInPort(PortId p) {
    return new TestPacket(
        p, outPort, etherType, ethSrc, ethDst, nwSrc, nwDst, nwProto, tpSrc, tpDst, fragmentType);
  }

  TestPacket withOutPort(PortId p) {
    return new TestPacket(
        inPort, p, etherType, ethSrc, ethDst, nwSrc, nwDst, nwProto, tpSrc, tpDst, fragmentType);
  }

  TestPacket withEtherType(int t) {
    return new TestPacket(
        inPort, outPort, t, ethSrc, ethDst, nwSrc, nwDst, nwProto, tpSrc, tpDst, fragmentType);
  }

  TestPacket withEthSrc(MacAddress m) {
    return new TestPacket(
        inPort, outPort, etherType, m, ethDst, nwSrc, nwDst, nwProto, tpSrc, tpDst, fragmentType);
  }

  TestPacket withEthDst(MacAddress m) {
    return new TestPacket(
        inPort, outPort, etherType, ethSrc, m, nwSrc, nwDst, nwProto, tpSrc, tpDst, fragmentType);
  }

  TestPacket withNwSrc(String ip) {
    return new TestPacket(
        inPort,
        outPort,
        etherType,
        ethSrc,
        ethDst,
        IpAddress.parse(ip),
        nwDst,
        nwProto,
        tpSrc,
        tpDst,
        fragmentType);
  }

  TestPacket withNwDst(String ip) {
    return new TestPacket(
        inPort,
        outPort,
        etherType,
        ethSrc,
        ethDst,
        nwSrc,
        IpAddress.parse(ip),
        nwProto,
        tpSrc,
        tpDst,
        fragmentType);
  }

  TestPacket withNwProto(int p) {
    return new TestPacket(
        inPort, outPort, etherType, ethSrc, ethDst, nwSrc, nwDst, p, tpSrc, tpDst, fragmentType);
  }

  TestPacket withTpSrc(int p) {
    return new TestPacket(
        inPort, outPort, etherType, ethSrc, ethDst, nwSrc, nwDst, nwProto, p, tpDst, fragmentType);
  }

  TestPacket withTpDst(int p) {
    return new TestPacket(
        inPort, outPort, etherType, ethSrc, ethDst, nwSrc, nwDst, nwProto, tpSrc, p, fragmentType);
  }

  /** A later fragment has no L4 ports. */
  TestPacket asFragment(FragmentType f) {
    boolean ports = f != FragmentType.LATER;
    return new TestPacket(
        inPort,
        outPort,
        etherType,
        ethSrc,
        ethDst,
        nwSrc,
        nwDst,
        nwProto,
        ports ? tpSrc : -1,
        ports ? tpDst : -1,
        f);
  }
}
