package org.nsvpn.chainrules.status;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.model.EncapsulationMode;
import org.nsvpn.chainrules.model.TransformProtocol;

/**
 * One child (IPsec) SA pair of an IKE SA, as the IKE daemon reports it.
 *
 * @param name the child configuration's name in the daemon
 * @param uniqueId the daemon's unique id of this child SA
 * @param requestId the reqid tying the SA pair to its kernel policies (0 while unknown)
 * @param state the daemon's state name, e.g. {@code INSTALLING}, {@code INSTALLED}, {@code
 *     REKEYING}, {@code REKEYED}, {@code DELETING}
 * @param udpEncapsulation ESP inside UDP 4500 (NAT-T or forced)
 * @param spiIn the inbound SA's SPI (32 bits; 0 while not allocated)
 * @param spiOut the outbound SA's SPI (32 bits; 0 while not known)
 * @param proposal the negotiated algorithms, once negotiated
 * @param localTs local traffic selectors in the daemon's notation ({@code 10.1.0.0/24}, possibly
 *     with a protocol and port, {@code 10.1.0.0/24[udp/53]}, or a range {@code a..b})
 * @param remoteTs remote traffic selectors, same notation
 * @param counters payload traffic through the pair
 * @param installedAt when the pair was installed
 * @param rekeyAt when it will be rekeyed, if scheduled
 * @param expiresAt when it expires (hard lifetime), if known
 */
public record ChildSaStatus(
    String name,
    long uniqueId,
    long requestId,
    String state,
    EncapsulationMode mode,
    TransformProtocol protocol,
    boolean udpEncapsulation,
    long spiIn,
    long spiOut,
    Optional<Proposal> proposal,
    List<String> localTs,
    List<String> remoteTs,
    SaCounters counters,
    Optional<Instant> installedAt,
    Optional<Instant> rekeyAt,
    Optional<Instant> expiresAt) {

  public ChildSaStatus {
    Require.nonNull("name", name);
    Require.inRange("unique-id", uniqueId, 0, 0xFFFF_FFFFL);
    Require.inRange("request-id", requestId, 0, 0xFFFF_FFFFL);
    Require.nonNull("state", state);
    Require.nonNull("mode", mode);
    Require.nonNull("protocol", protocol);
    Require.inRange("spi-in", spiIn, 0, 0xFFFF_FFFFL);
    Require.inRange("spi-out", spiOut, 0, 0xFFFF_FFFFL);
    Require.nonNull("proposal", proposal);
    localTs = List.copyOf(Require.noNulls("local-ts", localTs));
    remoteTs = List.copyOf(Require.noNulls("remote-ts", remoteTs));
    Require.nonNull("counters", counters);
    Require.nonNull("installed-at", installedAt);
    Require.nonNull("rekey-at", rekeyAt);
    Require.nonNull("expires-at", expiresAt);
  }

  /** True while the pair carries traffic: installed, or installed and being rekeyed. */
  public boolean isInstalled() {
    return state.equals("INSTALLED") || state.equals("REKEYING");
  }
}
