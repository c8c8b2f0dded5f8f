package org.nsvpn.agentplugin.ipsec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.model.EncapsulationMode;
import org.nsvpn.chainrules.model.IkeVersion;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.TransformProtocol;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.ovsdb.ipsec.IkeConnectionStatus;
import org.nsvpn.ovsdb.ipsec.IpsecMode;
import org.nsvpn.ovsdb.ipsec.TrafficCounters;
import org.nsvpn.strongswan.ChildSaStatus;
import org.nsvpn.strongswan.ConnectionStatus;
import org.nsvpn.strongswan.IkeSaStatus;
import org.nsvpn.strongswan.SaCounters;
import org.nsvpn.topology.status.ConnectionState;
import org.nsvpn.topology.status.Proposal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Translates what charon reports ({@code namespacemanager.strongswan}) into the two places status
 * goes: the store's records read by {@code show status}, and the OVSDB rows of the ops-ipsecd
 * tables. An SA whose report cannot be read (an unexpected format) is left out and logged, rather
 * than failing the whole status.
 */
final class StatusMapping {
  private static final Logger log = LoggerFactory.getLogger(StatusMapping.class);

  private StatusMapping() {}

  /** The store's record of {@code status}. */
  static org.nsvpn.topology.status.ConnectionStatus toStore(HostId host, ConnectionStatus status) {
    List<org.nsvpn.topology.status.IkeSaStatus> ikeSas = new ArrayList<>();
    for (IkeSaStatus ike : status.ikeSas()) {
      try {
        ikeSas.add(ikeSa(ike));
      } catch (RuntimeException e) {
        log.warn(
            "IKE SA {} of {} not reported: {}",
            ike.uniqueId(),
            status.connection(),
            e.getMessage());
      }
    }
    return new org.nsvpn.topology.status.ConnectionStatus(
        status.connection(),
        host,
        ConnectionState.valueOf(status.state().name()),
        reason(status),
        ikeSas,
        status.observedAt());
  }

  /** The reason to show: charon's last error if any, else the status's own reason. */
  static Optional<String> reason(ConnectionStatus status) {
    return status.error().map(e -> e.reason()).or(status::reason);
  }

  private static org.nsvpn.topology.status.IkeSaStatus ikeSa(IkeSaStatus ike) {
    int port = ike.natDetected() ? 4500 : 500;
    List<org.nsvpn.topology.status.ChildSaStatus> children = new ArrayList<>();
    for (ChildSaStatus child : ike.childSas()) {
      try {
        children.add(childSa(child));
      } catch (RuntimeException e) {
        log.warn("child SA {} not reported: {}", child.uniqueId(), e.getMessage());
      }
    }
    return new org.nsvpn.topology.status.IkeSaStatus(
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
        spi(ike.initiatorSpi(), 16),
        spi(ike.responderSpi(), 16),
        ike.proposal().isEmpty() ? Optional.empty() : Optional.of(proposal(ike.proposal())),
        ike.establishedAt(),
        ike.rekeyAt(),
        ike.reauthAt(),
        children);
  }

  private static org.nsvpn.topology.status.ChildSaStatus childSa(ChildSaStatus child) {
    return new org.nsvpn.topology.status.ChildSaStatus(
        child.name(),
        child.uniqueId(),
        child.state(),
        child.mode().equalsIgnoreCase("TRANSPORT")
            ? EncapsulationMode.TRANSPORT
            : EncapsulationMode.TUNNEL,
        child.protocol().equalsIgnoreCase("AH") ? TransformProtocol.AH : TransformProtocol.ESP,
        child.udpEncapsulated(),
        spi(child.spiIn(), 8),
        spi(child.spiOut(), 8),
        proposal(child.proposal()),
        selectors(child.localTrafficSelectors()),
        selectors(child.remoteTrafficSelectors()),
        counters(child.counters()),
        child.installedAt(),
        child.rekeyAt(),
        child.expiresAt());
  }

  private static org.nsvpn.topology.status.SaCounters counters(SaCounters c) {
    return new org.nsvpn.topology.status.SaCounters(
        c.bytesIn(),
        c.bytesOut(),
        c.packetsIn(),
        c.packetsOut(),
        c.lastInbound(),
        c.lastOutbound());
  }

  /** Traffic selectors as charon prints them ({@code 10.0.0.0/24}, maybe {@code [udp/500]}). */
  private static List<IpSubnet> selectors(List<String> selectors) {
    List<IpSubnet> out = new ArrayList<>();
    for (String s : selectors) {
      int bracket = s.indexOf('[');
      out.add(IpSubnet.parse(bracket < 0 ? s : s.substring(0, bracket)));
    }
    return out;
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

  /** The OVSDB status of {@code status} under {@code policyName}. */
  static IkeConnectionStatus toOvsdb(String policyName, ConnectionStatus status) {
    String ikeState =
        status
            .ikeSa()
            .map(ike -> ike.state().toLowerCase(Locale.ROOT))
            .orElse(status.state().text());
    IkeConnectionStatus.Builder b = IkeConnectionStatus.builder(policyName, ikeState);
    status
        .ikeSa()
        .ifPresent(
            ike -> {
              long initiator = Long.parseUnsignedLong(spi(ike.initiatorSpi(), 16), 16);
              long responder = Long.parseUnsignedLong(spi(ike.responderSpi(), 16), 16);
              b.ikeSpis(
                  ike.initiator() ? initiator : responder, ike.initiator() ? responder : initiator);
              if (!ike.proposal().isEmpty()) {
                b.ikeProposals(ike.proposal());
              }
              ike.reauthAt().ifPresent(b::ikeReauthEta);
            });
    List<ChildSaStatus> children = status.childSas();
    if (!children.isEmpty()) {
      ChildSaStatus child = children.get(0);
      b.saStatus(child.state().toLowerCase(Locale.ROOT));
      b.saMode(child.mode().equalsIgnoreCase("TRANSPORT") ? IpsecMode.TRANSPORT : IpsecMode.TUNNEL);
      b.saSpis(
          Long.parseUnsignedLong(spi(child.spiIn(), 8), 16),
          Long.parseUnsignedLong(spi(child.spiOut(), 8), 16));
      if (!child.proposal().isEmpty()) {
        b.saProposal(child.proposal());
      }
      child.rekeyAt().ifPresent(b::saRekeyEta);
    }
    SaCounters c = status.counters();
    b.traffic(new TrafficCounters(c.bytesIn(), c.packetsIn(), c.bytesOut(), c.packetsOut()));
    reason(status).filter(r -> status.state().name().equals("ERROR")).ifPresent(b::lastError);
    return b.build();
  }
}
