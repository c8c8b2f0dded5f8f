package org.nsvpn.simulator.packet;

import org.nsvpn.chainrules.Require;

/**
 * An ESP packet (RFC 4303) as seen from outside the SA: SPI and sequence number in clear, then the
 * opaque rest (IV, ciphertext, padding, ICV).
 */
public record EspPacket(long spi, long sequence, Bytes rest) implements IpPayload {
  public EspPacket {
    Require.inRange("esp spi", spi, 0, 0xffff_ffffL);
    Require.inRange("esp sequence", sequence, 0, 0xffff_ffffL);
    Require.nonNull("esp rest", rest);
  }

  @Override
  public int encodedLength() {
    return 8 + rest.length();
  }

  @Override
  public int protocol() {
    return IpProtocol.ESP;
  }
}
