package org.nsvpn.ovsdb.ipsec;

import java.util.Objects;

/**
 * Identity of an SA, as the kernel has it ({@code struct xfrm_usersa_id}): SPI, destination and
 * protocol; the key of {@code ipsec_manual_sa} rows. SPIs 1..255 are reserved (RFC 4303), 0 is
 * invalid.
 */
public record SaKey(long spi, String destAddr, IpsecProtocol protocol) {
  public SaKey {
    Checks.range("spi", spi, 256, 0xFFFF_FFFFL);
    Checks.address("dest_addr", destAddr);
    Objects.requireNonNull(protocol, "protocol");
  }

  @Override
  public String toString() {
    return protocol.text() + " spi 0x" + String.format("%08x", spi) + " dst " + destAddr;
  }
}
