package org.nsvpn.strongswan;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A child (IPsec) SA as charon's list-sas reports it. Times are absolute, computed from charon's
 * relative seconds at the moment of the listing (so they are accurate to about a second).
 *
 * @param name the child config name
 * @param uniqueId charon's unique id of the SA
 * @param state charon's state name, e.g. {@code INSTALLED}, {@code REKEYING}
 * @param mode {@code TUNNEL} or {@code TRANSPORT}
 * @param protocol {@code ESP} or {@code AH}
 * @param udpEncapsulated true when ESP travels in UDP 4500
 * @param spiIn inbound SPI, hex as charon prints it
 * @param spiOut outbound SPI
 * @param proposal the negotiated algorithms, e.g. {@code AES_CBC-256/HMAC_SHA2_256_128/MODP_2048}
 * @param installedAt when the SA was installed
 * @param rekeyAt when charon will rekey it
 * @param expiresAt when it expires (hard lifetime)
 */
public record ChildSaStatus(
    String name,
    long uniqueId,
    String state,
    String mode,
    String protocol,
    boolean udpEncapsulated,
    String spiIn,
    String spiOut,
    String proposal,
    List<String> localTrafficSelectors,
    List<String> remoteTrafficSelectors,
    Optional<Instant> installedAt,
    Optional<Instant> rekeyAt,
    Optional<Instant> expiresAt,
    SaCounters counters) {

  public ChildSaStatus {
    localTrafficSelectors = List.copyOf(localTrafficSelectors);
    remoteTrafficSelectors = List.copyOf(remoteTrafficSelectors);
  }

  /** True while the SA carries traffic (installed, or installed and being rekeyed). */
  public boolean isInstalled() {
    return state.equals("INSTALLED") || state.equals("REKEYING");
  }
}
