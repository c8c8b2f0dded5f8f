package org.nsvpn.ovsdb.ipsec;

import java.util.Objects;

/** A traffic selector: source and destination prefixes of one family. */
public record Selector(
    IpFamily family, String srcAddr, int srcMask, String destAddr, int destMask) {
  public Selector {
    Objects.requireNonNull(family, "selector_addr_family");
    Checks.prefix("selector_src_addr", srcAddr, srcMask, family);
    Checks.prefix("selector_dest_addr", destAddr, destMask, family);
  }
}
