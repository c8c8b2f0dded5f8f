package org.nsvpn.topology.json;

import static org.nsvpn.topology.json.Fields.NODES;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.EncapsulationMode;
import org.nsvpn.chainrules.model.IkeVersion;
import org.nsvpn.chainrules.model.TransformProtocol;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.status.ChildSaStatus;
import org.nsvpn.chainrules.status.ConnectionState;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.chainrules.status.IkeSaStatus;
import org.nsvpn.chainrules.status.Proposal;
import org.nsvpn.chainrules.status.Reason;
import org.nsvpn.chainrules.status.ReasonCode;
import org.nsvpn.chainrules.status.SaCounters;
import org.nsvpn.topology.status.ConnectionReport;
import org.nsvpn.topology.status.GatewayAssignment;
import org.nsvpn.topology.status.HostLiveness;
import org.nsvpn.topology.status.PlacementReason;
import org.nsvpn.topology.status.ServiceState;
import org.nsvpn.topology.status.VpnServiceStatus;

/** The JSON form of the status and liveness records (same conventions as {@link TopologyJson}). */
public final class StatusJson {
  private StatusJson() {}

  public static ObjectNode encode(HostLiveness h) {
    ObjectNode out = NODES.objectNode();
    out.put("host", h.host().toString());
    out.put("hostname", h.hostname());
    out.put("pid", h.pid());
    out.put("started-at", h.startedAt().toString());
    return out;
  }

  public static HostLiveness hostLiveness(JsonNode in) {
    return new HostLiveness(
        Fields.parsed(in, "host", HostId::parse),
        Fields.text(in, "hostname"),
        Fields.number(in, "pid"),
        Fields.instant(in, "started-at"));
  }

  public static ObjectNode encode(GatewayAssignment a) {
    ObjectNode out = NODES.objectNode();
    out.put("vpn-service", a.service().toString());
    out.put("host", a.host().toString());
    Fields.putOptional(out, "previous", a.previous());
    out.put("reason", a.reason().text());
    out.put("since", a.since().toString());
    return out;
  }

  public static GatewayAssignment gatewayAssignment(JsonNode in) {
    return new GatewayAssignment(
        Fields.parsed(in, "vpn-service", VpnServiceId::parse),
        Fields.parsed(in, "host", HostId::parse),
        Fields.optionalParsed(in, "previous", HostId::parse),
        PlacementReason.parse("reason", Fields.text(in, "reason")),
        Fields.instant(in, "since"));
  }

  public static ObjectNode encode(VpnServiceStatus s) {
    ObjectNode out = NODES.objectNode();
    out.put("vpn-service", s.service().toString());
    out.put("host", s.host().toString());
    out.put("state", s.state().text());
    Fields.putOptional(out, "reason", s.reason());
    Fields.putOptional(out, "namespace", s.namespace());
    if (s.charonPid().isPresent()) {
      out.put("charon-pid", s.charonPid().get());
    } else {
      out.putNull("charon-pid");
    }
    Fields.putOptional(out, "vici-socket", s.viciSocket());
    out.put("updated-at", s.updatedAt().toString());
    return out;
  }

  public static VpnServiceStatus vpnServiceStatus(JsonNode in) {
    return new VpnServiceStatus(
        Fields.parsed(in, "vpn-service", VpnServiceId::parse),
        Fields.parsed(in, "host", HostId::parse),
        ServiceState.parse("state", Fields.text(in, "state")),
        Fields.optionalText(in, "reason"),
        Fields.optionalText(in, "namespace"),
        Fields.optionalNumber(in, "charon-pid"),
        Fields.optionalText(in, "vici-socket"),
        Fields.instant(in, "updated-at"));
  }

  /** A connection's status as {@code host} reports it; the state is written for readers only. */
  public static ObjectNode encode(HostId host, ConnectionStatus s) {
    ObjectNode out = NODES.objectNode();
    out.put("ipsec-site-connection", s.connection().toString());
    out.put("host", host.toString());
    out.put("state", s.state().text());
    Fields.putOptional(out, "reason-code", s.reason().map(r -> r.code().text()));
    Fields.putOptional(out, "reason", s.reason().map(Reason::text));
    ArrayNode ikes = out.putArray("ike-sas");
    s.ikeSas().forEach(ike -> ikes.add(ikeSa(ike)));
    out.set("retired-counters", encode(s.retired()));
    out.put("updated-at", s.observedAt().toString());
    return out;
  }

  /**
   * Reads what {@link #encode(HostId, ConnectionStatus)} wrote. The stored state must agree with
   * the one the reason implies.
   */
  public static ConnectionReport connectionReport(JsonNode in) {
    List<IkeSaStatus> ikes = new ArrayList<>();
    for (JsonNode ike : Fields.array(in, "ike-sas")) {
      ikes.add(ikeSa(ike));
    }
    Optional<Reason> reason =
        in.hasNonNull("reason-code")
            ? Optional.of(
                new Reason(
                    ReasonCode.parse("reason-code", Fields.text(in, "reason-code")),
                    Fields.text(in, "reason")))
            : Optional.empty();
    ConnectionStatus status =
        new ConnectionStatus(
            Fields.parsed(in, "ipsec-site-connection", IpsecSiteConnectionId::parse),
            reason,
            ikes,
            counters(Fields.object(in, "retired-counters")),
            Fields.instant(in, "updated-at"));
    ConnectionState stored = ConnectionState.parse("state", Fields.text(in, "state"));
    if (stored != status.state()) {
      throw new InvalidValueException(
          "state",
          stored.text(),
          "disagrees with the reason, which means " + status.state().text());
    }
    return new ConnectionReport(Fields.parsed(in, "host", HostId::parse), status);
  }

  private static ObjectNode ikeSa(IkeSaStatus s) {
    ObjectNode out = NODES.objectNode();
    out.put("unique-id", s.uniqueId());
    out.put("state", s.state());
    out.put("version", s.version().text());
    out.put("local-address", s.localAddress().toString());
    out.put("local-port", s.localPort());
    out.put("remote-address", s.remoteAddress().toString());
    out.put("remote-port", s.remotePort());
    out.put("local-id", s.localId());
    out.put("remote-id", s.remoteId());
    out.put("initiator", s.initiator());
    out.put("initiator-spi", hex64(s.initiatorSpi()));
    out.put("responder-spi", hex64(s.responderSpi()));
    putProposal(out, s.proposal());
    out.put("nat-detected", s.natDetected());
    Fields.putOptional(out, "established-at", s.establishedAt());
    Fields.putOptional(out, "rekey-at", s.rekeyAt());
    Fields.putOptional(out, "reauth-at", s.reauthAt());
    ArrayNode children = out.putArray("child-sas");
    s.childSas().forEach(c -> children.add(childSa(c)));
    return out;
  }

  private static IkeSaStatus ikeSa(JsonNode in) {
    List<ChildSaStatus> children = new ArrayList<>();
    for (JsonNode c : Fields.array(in, "child-sas")) {
      children.add(childSa(c));
    }
    return new IkeSaStatus(
        Fields.number(in, "unique-id"),
        Fields.text(in, "state"),
        IkeVersion.parse("version", Fields.text(in, "version")),
        Fields.parsed(in, "local-address", IpAddress::parse),
        Fields.integer(in, "local-port"),
        Fields.parsed(in, "remote-address", IpAddress::parse),
        Fields.integer(in, "remote-port"),
        Fields.text(in, "local-id"),
        Fields.text(in, "remote-id"),
        Fields.bool(in, "initiator"),
        Fields.parsed(in, "initiator-spi", t -> spi(t, 16)),
        Fields.parsed(in, "responder-spi", t -> spi(t, 16)),
        proposal(in),
        Fields.bool(in, "nat-detected"),
        Fields.optionalInstant(in, "established-at"),
        Fields.optionalInstant(in, "rekey-at"),
        Fields.optionalInstant(in, "reauth-at"),
        children);
  }

  private static ObjectNode childSa(ChildSaStatus c) {
    ObjectNode out = NODES.objectNode();
    out.put("name", c.name());
    out.put("unique-id", c.uniqueId());
    out.put("request-id", c.requestId());
    out.put("state", c.state());
    out.put("mode", c.mode().text());
    out.put("protocol", c.protocol().text());
    out.put("udp-encapsulation", c.udpEncapsulation());
    out.put("spi-in", hex32(c.spiIn()));
    out.put("spi-out", hex32(c.spiOut()));
    putProposal(out, c.proposal());
    out.set("local-ts", Fields.strings(c.localTs()));
    out.set("remote-ts", Fields.strings(c.remoteTs()));
    out.set("counters", encode(c.counters()));
    Fields.putOptional(out, "installed-at", c.installedAt());
    Fields.putOptional(out, "rekey-at", c.rekeyAt());
    Fields.putOptional(out, "expires-at", c.expiresAt());
    return out;
  }

  private static ChildSaStatus childSa(JsonNode in) {
    return new ChildSaStatus(
        Fields.text(in, "name"),
        Fields.number(in, "unique-id"),
        Fields.number(in, "request-id"),
        Fields.text(in, "state"),
        EncapsulationMode.parse("mode", Fields.text(in, "mode")),
        TransformProtocol.parse("protocol", Fields.text(in, "protocol")),
        Fields.bool(in, "udp-encapsulation"),
        Fields.parsed(in, "spi-in", t -> spi(t, 8)),
        Fields.parsed(in, "spi-out", t -> spi(t, 8)),
        proposal(in),
        Fields.parsedList(in, "local-ts", t -> t),
        Fields.parsedList(in, "remote-ts", t -> t),
        counters(Fields.object(in, "counters")),
        Fields.optionalInstant(in, "installed-at"),
        Fields.optionalInstant(in, "rekey-at"),
        Fields.optionalInstant(in, "expires-at"));
  }

  /** Byte and packet counters both ways, with the last use of each direction. */
  public static ObjectNode encode(SaCounters c) {
    ObjectNode out = NODES.objectNode();
    out.put("bytes-in", c.bytesIn());
    out.put("packets-in", c.packetsIn());
    out.put("bytes-out", c.bytesOut());
    out.put("packets-out", c.packetsOut());
    Fields.putOptional(out, "last-use-in", c.lastInbound());
    Fields.putOptional(out, "last-use-out", c.lastOutbound());
    return out;
  }

  private static SaCounters counters(JsonNode in) {
    return new SaCounters(
        Fields.number(in, "bytes-in"),
        Fields.number(in, "packets-in"),
        Fields.number(in, "bytes-out"),
        Fields.number(in, "packets-out"),
        Fields.optionalInstant(in, "last-use-in"),
        Fields.optionalInstant(in, "last-use-out"));
  }

  private static void putProposal(ObjectNode out, Optional<Proposal> proposal) {
    if (proposal.isEmpty()) {
      out.putNull("proposal");
      return;
    }
    Proposal p = proposal.get();
    ObjectNode node = out.putObject("proposal");
    node.put("encryption", p.encryption());
    Fields.putOptional(node, "integrity", p.integrity());
    Fields.putOptional(node, "prf", p.prf());
    Fields.putOptional(node, "dh-group", p.dhGroup());
  }

  private static Optional<Proposal> proposal(JsonNode in) {
    if (!in.hasNonNull("proposal")) {
      return Optional.empty();
    }
    JsonNode p = Fields.object(in, "proposal");
    return Optional.of(
        new Proposal(
            Fields.text(p, "encryption"),
            Fields.optionalText(p, "integrity"),
            Fields.optionalText(p, "prf"),
            Fields.optionalText(p, "dh-group")));
  }

  private static String hex64(long spi) {
    return String.format("%016x", spi);
  }

  private static String hex32(long spi) {
    return String.format("%08x", spi);
  }

  /** An SPI written by {@link #hex64} or {@link #hex32}: exactly that many lower-case digits. */
  private static long spi(String text, int digits) {
    if (!text.matches("[0-9a-f]{" + digits + "}")) {
      throw new InvalidValueException("spi", text, "must be " + digits + " lower-case hex digits");
    }
    return Long.parseUnsignedLong(text, 16);
  }
}
