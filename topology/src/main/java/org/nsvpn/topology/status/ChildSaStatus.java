package org.nsvpn.topology.status;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.model.EncapsulationMode;
import org.nsvpn.chainrules.model.TransformProtocol;
import org.nsvpn.chainrules.net.IpSubnet;

/**
 * One child (IPsec) SA pair of an IKE SA.
 *
 * @param name the child configuration's name in the IKE daemon
 * @param uniqueId the daemon's unique id of this child SA
 * @param state the daemon's state name, e.g. {@code INSTALLED}, {@code REKEYING}
 * @param udpEncapsulation ESP inside UDP 4500 (NAT-T or forced)
 * @param spiIn the inbound SA's SPI (8 hex digits)
 * @param spiOut the outbound SA's SPI (8 hex digits)
 * @param localTs local traffic selectors
 * @param remoteTs remote traffic selectors
 * @param installedAt when the SA pair was installed
 * @param rekeyAt when it will be rekeyed, if scheduled
 * @param expiresAt when it expires (hard lifetime), if known
 */
public record ChildSaStatus(
    String name,
    long uniqueId,
    String state,
    EncapsulationMode mode,
    TransformProtocol protocol,
    boolean udpEncapsulation,
    String spiIn,
    String spiOut,
    Proposal proposal,
    List<IpSubnet> localTs,
    List<IpSubnet> remoteTs,
    SaCounters counters,
    Optional<Instant> installedAt,
    Optional<Instant> rekeyAt,
    Optional<Instant> expiresAt) {

  public ChildSaStatus {
    Require.nonNull("name", name);
    Require.nonNull("state", state);
    Require.nonNull("mode", mode);
    Require.nonNull("protocol", protocol);
    Spi.check("spi-in", spiIn);
    Spi.check("spi-out", spiOut);
    Require.nonNull("proposal", proposal);
    localTs = List.copyOf(Require.noNulls("local-ts", localTs));
    remoteTs = List.copyOf(Require.noNulls("remote-ts", remoteTs));
    Require.nonNull("counters", counters);
    Require.nonNull("installed-at", installedAt);
    Require.nonNull("rekey-at", rekeyAt);
    Require.nonNull("expires-at", expiresAt);
  }
}
