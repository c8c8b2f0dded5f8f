package org.nsvpn.simulator.packet;

import org.nsvpn.chainrules.Require;

/** An IP payload kept as bytes: a fragment, or a protocol the codec does not interpret. */
public record RawIpPayload(Bytes bytes) implements IpPayload {
  public RawIpPayload {
    Require.nonNull("bytes", bytes);
  }

  @Override
  public int encodedLength() {
    return bytes.length();
  }

  @Override
  public int protocol() {
    return -1;
  }
}
