package org.nsvpn.simulator.device;

import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.rules.FragmentType;
import org.nsvpn.chainrules.rules.PacketFields;
import org.nsvpn.simulator.packet.Frame;

/** The chain-rules view of the frame being simulated, plus the ports of the current device. */
final class PacketContext implements PacketFields {
  private Frame frame;
  private PortId in;
  private PortId out;

  PacketContext at(Frame f, PortId inPort, PortId outPort) {
    this.frame = f;
    this.in = inPort;
    this.out = outPort;
    return this;
  }

  @Override
  public PortId inPort() {
    return in;
  }

  @Override
  public PortId outPort() {
    return out;
  }

  @Override
  public int etherType() {
    return frame.etherType();
  }

  @Override
  public MacAddress ethSrc() {
    return frame.ethSrcAddress();
  }

  @Override
  public MacAddress ethDst() {
    return frame.ethDstAddress();
  }

  @Override
  public IpAddress nwSrc() {
    return frame.nwSrc();
  }

  @Override
  public IpAddress nwDst() {
    return frame.nwDst();
  }

  @Override
  public int nwProto() {
    return frame.protocol();
  }

  @Override
  public int tpSrc() {
    return frame.tpSrc();
  }

  @Override
  public int tpDst() {
    return frame.tpDst();
  }

  @Override
  public FragmentType fragmentType() {
    return frame.fragmentType();
  }
}
