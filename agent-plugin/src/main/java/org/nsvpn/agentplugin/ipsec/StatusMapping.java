package org.nsvpn.agentplugin.ipsec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.nsvpn.chainrules.model.EncapsulationMode;
import org.nsvpn.chainrules.model.IkeVersion;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.TransformProtocol;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.status.Proposal;
import org.nsvpn.chainrules.status.Reason;
import org.nsvpn.chainrules.status.ReasonCode;
import org.nsvpn.strongswan.ChildSaStatus;
import org.nsvpn.strongswan.ConnectionError;
import org.nsvpn.strongswan.ConnectionMapping;
import org.nsvpn.strongswan.ConnectionStatus;
import org.nsvpn.strongswan.IkeSaStatus;
import org.nsvpn.strongswan.SaCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Translates what charon reports ({@code org.nsvpn.strongswan}) into the one status model, which
 * the store, OVSDB and the CLI share. An SA whose report cannot be read (an unexpected format) is
 * left out and logged, rather than failing the whole status.
 */
final class StatusMapping {
  private static final Logger log = LoggerFactory.getLogger(StatusMapping.class);

  private StatusMapping() {}

  /** The one status model's value of {@code status}. */
  static org.nsvpn.chainrules.status.ConnectionStatus toModel(ConnectionStatus status) {
    List<org.nsvpn.chainrules.status.IkeSaStatus> ikeSas = new ArrayList<>();
    for (IkeSaStatus ike : status.ikeSas()) {
      try {
        ikeSas.add(ikeSa(ike, ConnectionMapping.charonName(status.connection())));
      } catch (RuntimeException e) {
        log.warn(
            "IKE SA {} of {} not reported: {}",
            ike.uniqueId(),
            status.connection(),
            e.getMessage());
      }
    }
    ikeSas = org.nsvpn.chainrules.status.ConnectionStatus.ordered(ikeSas);
    if (status.state() == org.nsvpn.strongswan.ConnectionState.UP
        && ikeSas.stream().anyMatch(org.nsvpn.chainrules.status.ConnectionStatus::carriesTraffic)) {
      return org.nsvpn.chainrules.status.ConnectionStatus.up(
          status.connection(), ikeSas, status.observedAt());
    }
    return org.nsvpn.chainrules.status.ConnectionStatus.notUp(
        status.connection(), reason(status), ikeSas, status.observedAt());
  }

  /** The reason to show: charon's last error if any, else the status's own reason. */
  static Reason reason(ConnectionStatus status) {
    if (status.error().isPresent()) {
      ConnectionError e = status.error().get();
      ReasonCode code =
          switch (e.kind()) {
            case AUTHENTICATION_FAILED -> ReasonCode.AUTHENTICATION_FAILED;
            case PROPOSAL_MISMATCH -> ReasonCode.NO_PROPOSAL_CHOSEN;
            case TRAFFIC_SELECTOR_MISMATCH -> ReasonCode.TS_UNACCEPTABLE;
            case PEER_UNREACHABLE -> ReasonCode.PEER_UNREACHABLE;
            case SA_INSTALL_FAILED -> ReasonCode.SA_INSTALL_FAILED;
            case PROTOCOL_ERROR -> ReasonCode.PROTOCOL_ERROR;
            case CONFIGURATION_REJECTED -> ReasonCode.CONFIGURATION_INVALID;
            case CHARON_EXITED -> ReasonCode.CHARON_EXITED;
            case SA_EXPIRED, OTHER -> ReasonCode.OTHER;
          };
      return Reason.of(code, e.message());
    }
    String text = status.reason().orElse("no IKE SA");
    ReasonCode code =
        switch (status.state()) {
          case CONNECTING -> ReasonCode.NEGOTIATING;
          case ERROR -> ReasonCode.OTHER;
          case DOWN, UP ->
              text.startsWith("admin")
                  ? ReasonCode.ADMIN_DOWN
                  : text.startsWith("waiting")
                      ? ReasonCode.WAITING_FOR_PEER
                      : ReasonCode.CHARON_STOPPED;
        };
    return new Reason(code, text);
  }

  private static org.nsvpn.chainrules.status.IkeSaStatus ikeSa(IkeSaStatus ike, String name) {
    int port = ike.natDetected() ? 4500 : 500;
    List<org.nsvpn.chainrules.status.ChildSaStatus> children = new ArrayList<>();
    for (ChildSaStatus child : ike.childSas()) {
      if (!child.name().equals(name)) {
        continue;
      }
      try {
        children.add(childSa(child));
      } catch (RuntimeException e) {
        log.warn("child SA {} not reported: {}", child.uniqueId(), e.getMessage());
      }
    }
    return new org.nsvpn.chainrules.status.IkeSaStatus(
        ike.uniqueId(),
        ike.state(),
        ike.version() == 1 ? IkeVersion.V1 : IkeVersion.V2,
        IpAddress.parse(ike.localHost()),
        port,
        IpAddress.parse(ike.remoteHost()),
        port,
        ike.localId(),
        ike.remoteId(),
        ike.initiator(),
        Long.parseUnsignedLong(spi(ike.initiatorSpi(), 16), 16),
        Long.parseUnsignedLong(spi(ike.responderSpi(), 16), 16),
        ike.proposal().isEmpty() ? Optional.empty() : Optional.of(proposal(ike.proposal())),
        ike.natDetected(),
        ike.establishedAt(),
        ike.rekeyAt(),
        ike.reauthAt(),
        children);
  }

  private static org.nsvpn.chainrules.status.ChildSaStatus childSa(ChildSaStatus child) {
    return new org.nsvpn.chainrules.status.ChildSaStatus(
        child.name(),
        child.uniqueId(),
        0,
        child.state(),
        child.mode().equalsIgnoreCase("TRANSPORT")
            ? EncapsulationMode.TRANSPORT
            : EncapsulationMode.TUNNEL,
        child.protocol().equalsIgnoreCase("AH") ? TransformProtocol.AH : TransformProtocol.ESP,
        child.udpEncapsulated(),
        Long.parseUnsignedLong(spi(child.spiIn(), 8), 16),
        Long.parseUnsignedLong(spi(child.spiOut(), 8), 16),
        child.proposal().isEmpty() ? Optional.empty() : Optional.of(proposal(child.proposal())),
        child.localTrafficSelectors(),
        child.remoteTrafficSelectors(),
        counters(child.counters()),
        child.installedAt(),
        child.rekeyAt(),
        child.expiresAt());
  }

  private static org.nsvpn.chainrules.status.SaCounters counters(SaCounters c) {
    return new org.nsvpn.chainrules.status.SaCounters(
        c.bytesIn(),
        c.packetsIn(),
        c.bytesOut(),
        c.packetsOut(),
        c.lastInbound(),
        c.lastOutbound());
  }

  /** Hex SPI text, normalised to the record's fixed width. */
  static String spi(String hex, int digits) {
    long value = Long.parseUnsignedLong(hex.startsWith("0x") ? hex.substring(2) : hex, 16);
    String text = Long.toHexString(value);
    return "0".repeat(Math.max(0, digits - text.length())) + text;
  }

  /**
   * Splits charon's proposal text ({@code
   * AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048}) into its parts: the first is the
   * cipher; PRF_ marks the PRF; MODP_, ECP_, CURVE_ and the like a Diffie-Hellman group; anything
   * else integrity.
   */
  static Proposal proposal(String text) {
    String[] parts = text.split("/");
    Optional<String> integrity = Optional.empty();
    Optional<String> prf = Optional.empty();
    Optional<String> dh = Optional.empty();
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i];
      if (p.startsWith("PRF_")) {
        prf = Optional.of(p);
      } else if (p.startsWith("MODP_")
          || p.startsWith("ECP_")
          || p.startsWith("CURVE_")
          || p.startsWith("ECP")
          || p.startsWith("X25519")
          || p.startsWith("X448")) {
        dh = Optional.of(p);
      } else {
        integrity = Optional.of(p);
      }
    }
    return new Proposal(parts[0], integrity, prf, dh);
  }

  /**
   * The OVSDB row key of a connection: {@code service.connection} when that fits the 63 characters
   * of a policy name, else {@code conn-} and the connection id's first 32 hex digits.
   */
  static String policyName(VpnService service, IpsecSiteConnection connection) {
    String name = service.name() + "." + connection.name();
    return name.length() <= 63 ? name : "conn-" + connection.id().hex();
  }
}
