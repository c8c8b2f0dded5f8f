package org.nsvpn.simulator.packet;

import org.nsvpn.chainrules.Require;

/** The payload of a frame whose EtherType the codec does not interpret, kept as bytes. */
public record RawPayload(Bytes bytes) implements EthernetPayload {
  public RawPayload {
    Require.nonNull("bytes", bytes);
  }

  @Override
  public int encodedLength() {
    return bytes.length();
  }
}
