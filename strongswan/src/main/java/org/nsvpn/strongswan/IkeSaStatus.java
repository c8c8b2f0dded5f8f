package org.nsvpn.strongswan;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An IKE SA as charon's list-sas reports it, with its child SAs.
 *
 * @param name the IKE config name
 * @param uniqueId charon's unique id of the SA
 * @param version 1 or 2
 * @param state charon's state name: {@code CONNECTING}, {@code ESTABLISHED}, {@code REKEYING}, ...
 * @param initiatorSpi IKE initiator SPI, hex
 * @param responderSpi IKE responder SPI, hex
 * @param proposal the negotiated algorithms, e.g. {@code AES_CBC-256/HMAC_SHA2_256_128/
 *     PRF_HMAC_SHA2_256/MODP_2048}
 * @param natDetected true when a NAT was detected (or UDP encapsulation forced)
 */
public record IkeSaStatus(
    String name,
    long uniqueId,
    int version,
    String state,
    String localHost,
    String remoteHost,
    String localId,
    String remoteId,
    boolean initiator,
    String initiatorSpi,
    String responderSpi,
    String proposal,
    boolean natDetected,
    Optional<Instant> establishedAt,
    Optional<Instant> rekeyAt,
    Optional<Instant> reauthAt,
    List<ChildSaStatus> childSas) {

  public IkeSaStatus {
    childSas = List.copyOf(childSas);
  }

  public boolean isEstablished() {
    return state.equals("ESTABLISHED");
  }

  /** The installed child SAs of the config {@code childName}. */
  public List<ChildSaStatus> installedChildren(String childName) {
    return childSas.stream().filter(c -> c.name().equals(childName) && c.isInstalled()).toList();
  }
}
