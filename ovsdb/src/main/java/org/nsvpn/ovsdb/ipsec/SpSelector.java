package org.nsvpn.ovsdb.ipsec;

import java.util.Objects;

/**
 * Identity of a security policy: source and destination prefixes and direction; the key of {@code
 * ipsec_manual_sp} rows, as the seed specifies.
 */
public record SpSelector(
    String srcAddr, int srcMask, String destAddr, int destMask, SpDirection direction) {
  public SpSelector {
    IpFamily family = Checks.address("src_addr", srcAddr);
    Checks.prefix("src_addr", srcAddr, srcMask, family);
    Checks.prefix("dest_addr", destAddr, destMask, family);
    Objects.requireNonNull(direction, "direction");
  }

  /** The family of both prefixes. */
  public IpFamily family() {
    return Checks.familyOf(srcAddr).orElseThrow();
  }

  @Override
  public String toString() {
    return srcAddr + "/" + srcMask + " -> " + destAddr + "/" + destMask + " " + direction.text();
  }
}
