package org.nsvpn.simulator.packet;

import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.rules.FragmentType;
import org.nsvpn.chainrules.rules.PacketFields;

/**
 * What chain-rules conditions see of a frame: the parsed {@link Frame} plus the ports the frame is
 * entering and leaving the current device by. Mutable and reusable (re-point it with {@link #at})
 * so that evaluating a chain allocates nothing but, once per frame, the address values a condition
 * asks for.
 */
public final class PacketContext implements PacketFields {
  private Frame frame;
  private PortId in;
  private PortId out;

  /**
   * Points the context at {@code f} as seen by a device it enters by {@code inPort} and leaves by
   * {@code outPort} (null when not yet decided).
   */
  public PacketContext at(Frame f, PortId inPort, PortId outPort) {
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
