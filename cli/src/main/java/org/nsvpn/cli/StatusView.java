package org.nsvpn.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.nsvpn.chainrules.SafeText;
import org.nsvpn.chainrules.id.GatewayGroupId;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.AuthMethod;
import org.nsvpn.chainrules.model.Certificate;
import org.nsvpn.chainrules.model.Host;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpFamily;
import org.nsvpn.chainrules.status.ChildSaStatus;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.chainrules.status.IkeSaStatus;
import org.nsvpn.chainrules.status.Reason;
import org.nsvpn.chainrules.status.SaCounters;
import org.nsvpn.chainrules.vpn.VpnNames;
import org.nsvpn.topology.ObjectKind;
import org.nsvpn.topology.StatusStore;
import org.nsvpn.topology.StoreSnapshot;
import org.nsvpn.topology.json.StatusJson;
import org.nsvpn.topology.status.ConnectionReport;
import org.nsvpn.topology.status.GatewayAssignment;
import org.nsvpn.topology.status.VpnServiceStatus;

/**
 * {@code vpn-service X show status}: a troubleshooting view in the spirit of {@code ovs-appctl
 * tunnels/show}. Per connection: the configured parameters (PSK masked), the state and its reason,
 * and each IKE SA with its child SAs, SPIs, proposals and counters, as the agent last reported
 * them, with times both absolute and relative to now. A record whose reporting host is not alive is
 * marked stale. Text that came from a peer or the IKE daemon (reasons, identities) is escaped. A
 * service with a gateway group also shows where the scheduler placed it: the host (by name, with
 * its liveness), since when, why, and the host it moved from. The host-side names (namespace, veth
 * ends, VICI socket) let an operator find the service with {@code ip}, {@code tcpdump} and {@code
 * nsvpn-swanctl}.
 *
 * <p>{@code ipsec-site-connection list status} is the overview: one line per connection of every
 * service ({@link #overview}).
 *
 * <p>The JSON form holds the stored status records as the agents wrote them (schema in
 * docs/cli-json.md), with each connection's total counters and the reporting host's liveness.
 */
final class StatusView {
  private final StoreSnapshot snapshot;
  private final StatusStore status;
  private final Printer printer;
  private final Instant now;

  StatusView(StoreSnapshot snapshot, StatusStore status, Printer printer, Instant now) {
    this.snapshot = snapshot;
    this.status = status;
    this.printer = printer;
    this.now = now;
  }

  Output render(VpnService service) {
    return new Output.View(() -> text(service), () -> json(service));
  }

  private ObjectNode json(VpnService service) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.set("vpn-service", printer.vpnService(service).json());
    out.set("host-side", hostSide(service.id()));
    service
        .gatewayGroup()
        .ifPresent(
            g -> {
              ObjectNode p = out.putObject("placement");
              p.put("gateway-group", printer.groupName(g));
              status
                  .assignment(service.id())
                  .ifPresent(
                      a -> {
                        p.setAll(StatusJson.encode(a));
                        p.put("host-name", printer.hostName(a.host()));
                        p.put("host-alive", printer.isAlive(a.host()));
                      });
            });
    Optional<VpnServiceStatus> s = status.serviceStatus(service.id());
    if (s.isPresent()) {
      ObjectNode st = StatusJson.encode(s.get());
      st.put("host-alive", printer.isAlive(s.get().host()));
      out.set("status", st);
    } else {
      out.putNull("status");
    }
    ArrayNode connections = out.putArray("ipsec-site-connections");
    for (var v : snapshot.list(ObjectKind.CONNECTION, service.id())) {
      connections.add(connectionJson(v.value()));
    }
    return out;
  }

  private ObjectNode connectionJson(IpsecSiteConnection c) {
    ObjectNode node = printer.connection(c).json();
    c.localCertificate()
        .flatMap(cert -> certificateWarning(cert, now))
        .ifPresent(w -> node.set("certificate-warning", w));
    Optional<ConnectionReport> st = status.connectionStatus(c.id());
    if (st.isEmpty()) {
      node.putNull("status");
      return node;
    }
    ObjectNode report = StatusJson.encode(st.get().host(), st.get().status());
    report.put("host-alive", printer.isAlive(st.get().host()));
    report.put("charon-name", VpnNames.charonConnection(c.id()));
    report.set("counters", StatusJson.encode(st.get().status().counters()));
    node.set("status", report);
    return node;
  }

  /**
   * One line per connection of every service, sorted by label, under a header: its label and names
   * ({@code vpnA/a-to-b}), its state, the host that reported it (marked stale when that host is not
   * alive), the peer, when its newest IKE SA was established, bytes both ways and when the last
   * packet came in, and the reason code of a connection that is not up.
   */
  Output overview() {
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "CONNECTION",
          "NAME",
          "STATE",
          "HOST",
          "PEER",
          "ESTABLISHED",
          "BYTES-IN",
          "BYTES-OUT",
          "LAST-IN",
          "REASON"
        });
    ArrayNode json = JsonNodeFactory.instance.arrayNode();
    List<IpsecSiteConnection> connections =
        snapshot.list(ObjectKind.CONNECTION).stream()
            .map(v -> v.value())
            .sorted(Comparator.comparing(c -> printer.ref(c.id())))
            .toList();
    for (IpsecSiteConnection c : connections) {
      Optional<ConnectionReport> report = status.connectionStatus(c.id());
      Optional<ConnectionStatus> st = report.map(ConnectionReport::status);
      Optional<Instant> established =
          st.flatMap(
              x ->
                  x.ikeSas().stream()
                      .map(IkeSaStatus::establishedAt)
                      .flatMap(Optional::stream)
                      .max(Comparator.naturalOrder()));
      SaCounters counters = st.map(ConnectionStatus::counters).orElse(SaCounters.ZERO);
      String host =
          report
              .map(r -> printer.ref(r.host()) + (printer.isAlive(r.host()) ? "" : " (stale)"))
              .orElse("-");
      rows.add(
          new String[] {
            printer.ref(c.id()),
            name(c),
            st.map(x -> x.state().text()).orElse("unknown"),
            host,
            c.peerAddress().toString(),
            established.map(t -> RelativeTime.of(t, now)).orElse("-"),
            Long.toString(counters.bytesIn()),
            Long.toString(counters.bytesOut()),
            counters.lastInbound().map(t -> RelativeTime.of(t, now)).orElse("never"),
            st.flatMap(ConnectionStatus::reason)
                .map(r -> SafeText.escape(r.code().text()))
                .orElse("")
          });
      ObjectNode node = json.addObject();
      node.put("label", printer.ref(c.id()));
      node.put("id", c.id().toString());
      node.put("name", c.name());
      node.put("vpn-service", printer.ref(c.vpnService()));
      node.put("peer-address", c.peerAddress().toString());
      node.put("state", st.map(x -> x.state().text()).orElse("unknown"));
      if (report.isPresent()) {
        node.put("host", printer.ref(report.get().host()));
        node.put("host-alive", printer.isAlive(report.get().host()));
      } else {
        node.putNull("host");
      }
      node.put("established-at", established.map(Instant::toString).orElse(null));
      node.set("counters", StatusJson.encode(counters));
      node.put(
          "reason-code",
          st.flatMap(ConnectionStatus::reason).map(r -> r.code().text()).orElse(null));
      node.put("reason", st.flatMap(ConnectionStatus::reason).map(r -> r.text()).orElse(null));
    }
    return new Output.View(() -> table(rows), () -> json);
  }

  /** {@code SERVICE-NAME/CONNECTION-NAME}, the names operators gave them. */
  private String name(IpsecSiteConnection c) {
    String service =
        snapshot.topology().vpnService(c.vpnService()).map(VpnService::name).orElse("?");
    return service + "/" + c.name();
  }

  /** Rows as left-aligned columns two spaces apart. */
  private static List<String> table(List<String[]> rows) {
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    List<String> out = new ArrayList<>();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(i + 1 == row.length ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
      }
      out.add(line.toString().stripTrailing());
    }
    return out;
  }

  /** The names the service's datapath has on its host, all derived from the service id. */
  private static ObjectNode hostSide(VpnServiceId id) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("namespace", VpnNames.namespace(id));
    node.put("host-interface", VpnNames.hostInterface(id));
    node.put("namespace-interface", VpnNames.namespaceInterface(id));
    return node;
  }

  private List<String> text(VpnService service) {
    List<String> out = new ArrayList<>();
    out.add(printer.vpnService(service).text());
    service.gatewayGroup().ifPresent(g -> placement(out, service, g));
    Optional<VpnServiceStatus> s = status.serviceStatus(service.id());
    if (s.isEmpty()) {
      out.add("  status unknown: no agent has reported on this service");
    } else {
      VpnServiceStatus st = s.get();
      StringBuilder line =
          new StringBuilder("  status ")
              .append(st.state().text())
              .append(" on host ")
              .append(printer.ref(st.host()));
      line.append(
          printer.isAlive(st.host()) ? " (alive)" : " (host not alive: status may be stale)");
      st.reason().ifPresent(r -> line.append(" reason: ").append(SafeText.escape(r)));
      out.add(line.toString());
      List<String> details = new ArrayList<>();
      st.charonPid().ifPresent(p -> details.add("charon-pid " + p));
      details.add("updated " + RelativeTime.both(st.updatedAt(), now));
      out.add("  " + String.join(" ", details));
      st.viciSocket()
          .ifPresent(
              v ->
                  out.add(
                      "  vici-socket "
                          + v
                          + " (on that host: nsvpn-swanctl "
                          + printer.ref(service.id())
                          + " --list-sas)"));
      out.add(
          "  host-side namespace "
              + VpnNames.namespace(service.id())
              + " veth "
              + VpnNames.hostInterface(service.id())
              + " (datapath) <-> "
              + VpnNames.namespaceInterface(service.id())
              + " (in the namespace)");
    }
    for (var v : snapshot.list(ObjectKind.CONNECTION, service.id())) {
      connection(out, v.value());
    }
    return out;
  }

  /**
   * {@code gateway-group G assigned host H (alive) since T} and {@code placement reason R previous
   * host P}, or why the service is not placed.
   */
  private void placement(List<String> out, VpnService service, GatewayGroupId group) {
    String name = printer.groupName(group);
    Optional<GatewayAssignment> assignment = status.assignment(service.id());
    if (assignment.isEmpty()) {
      out.add(
          "  gateway-group "
              + name
              + " not assigned yet (no alive member of gateway-group "
              + name
              + " that is not in maintenance)");
      return;
    }
    GatewayAssignment a = assignment.get();
    out.add(
        "  gateway-group "
            + name
            + " assigned host "
            + printer.hostName(a.host())
            + " ("
            + hostState(a.host())
            + ") since "
            + RelativeTime.both(a.since(), now));
    out.add(
        "  placement reason "
            + a.reason().text()
            + a.previous().map(p -> " previous host " + printer.hostName(p)).orElse(""));
  }

  /**
   * {@code certificate SUBJECT issuer ISSUER expires WHEN}, and a warning line when it has expired
   * or expires within {@link Certificate#RENEWAL_WARNING}.
   */
  private void certificate(List<String> out, IpsecSiteConnection c, Certificate cert) {
    out.add(
        "  certificate "
            + SafeText.escape(cert.subject())
            + " issuer "
            + SafeText.escape(cert.issuer())
            + " expires "
            + RelativeTime.both(cert.notAfter(), now));
    certificateWarning(cert, now)
        .ifPresent(
            w -> out.add("  warning " + w.get("code").asText() + ": " + w.get("text").asText()));
  }

  /**
   * The warning about a connection's local certificate at {@code now}: {@code certificate-expired}
   * or {@code certificate-expiring} with a line of text, or empty while it has more than {@link
   * Certificate#RENEWAL_WARNING} left.
   */
  static Optional<ObjectNode> certificateWarning(Certificate cert, Instant now) {
    if (!cert.needsRenewal(now)) {
      return Optional.empty();
    }
    ObjectNode w = JsonNodeFactory.instance.objectNode();
    long days = java.time.Duration.between(now, cert.notAfter()).toDays();
    if (cert.hasExpired(now)) {
      w.put("code", "certificate-expired");
      w.put(
          "text",
          "the local certificate expired at "
              + cert.notAfter()
              + "; peers refuse it: install a new one with"
              + " set certificate file:PATH private-key file:PATH");
    } else {
      w.put("code", "certificate-expiring");
      w.put(
          "text",
          "the local certificate expires in "
              + days
              + (days == 1 ? " day" : " days")
              + " (at "
              + cert.notAfter()
              + "); install a new one with set certificate file:PATH private-key file:PATH");
    }
    return Optional.of(w);
  }

  /** {@code alive} or {@code not alive}, and {@code in maintenance} when the host is drained. */
  private String hostState(HostId host) {
    boolean alive = printer.isAlive(host);
    boolean drained = snapshot.topology().host(host).map(Host::maintenance).orElse(false);
    return (alive ? "alive" : "not alive") + (drained ? ", in maintenance" : "");
  }

  private void connection(List<String> out, IpsecSiteConnection c) {
    Optional<ConnectionReport> st = status.connectionStatus(c.id());
    String state = st.map(r -> state(r.status())).orElse("unknown");
    out.add(
        "ipsec-site-connection " + printer.ref(c.id()) + " name " + c.name() + " status " + state);
    out.add(
        "  peer "
            + c.peerAddress()
            + " peer-id "
            + c.peerId()
            + " local-id "
            + c.localId()
                .orElse(c.auth() == AuthMethod.CERT ? "(certificate subject)" : "(external-ip)")
            + " local-cidrs "
            + Printer.join(c.localCidrs())
            + " peer-cidrs "
            + Printer.join(c.peerCidrs())
            + (c.auth() == AuthMethod.CERT ? " auth cert" : " psk ****"));
    c.localCertificate().ifPresent(cert -> certificate(out, c, cert));
    out.add(
        "  ike "
            + c.ikePolicy().version().text()
            + " "
            + c.ikePolicy().encryption().text()
            + "/"
            + c.ikePolicy().integrity().text()
            + "/"
            + c.ikePolicy().dhGroup().text()
            + " lifetime "
            + c.ikePolicy().lifetime().getSeconds()
            + "s phase1-mode "
            + c.ikePolicy().phase1Mode().text()
            + " reauth "
            + c.ikePolicy().reauthenticate()
            + "; ipsec "
            + c.ipsecPolicy().transform().text()
            + " "
            + c.ipsecPolicy().mode().text()
            + " "
            + c.ipsecPolicy().encryption().text()
            + "/"
            + c.ipsecPolicy().integrity().text()
            + " pfs "
            + c.ipsecPolicy().pfs().map(g -> g.text()).orElse("none")
            + " lifetime "
            + c.ipsecPolicy().lifetime().getSeconds()
            + "s");
    out.add(
        "  dpd "
            + c.dpd().action().text()
            + " interval "
            + c.dpd().interval().getSeconds()
            + "s timeout "
            + c.dpd().timeout().getSeconds()
            + "s initiator "
            + c.initiator().text()
            + " mtu "
            + c.mtu()
            + " force-udp-encapsulation "
            + c.forceUdpEncapsulation()
            + " state "
            + (c.adminStateUp() ? "up" : "down"));
    if (st.isEmpty()) {
      out.add("  no status reported yet");
      return;
    }
    ConnectionStatus s = st.get().status();
    out.add(
        "  reported by host "
            + printer.ref(st.get().host())
            + (printer.isAlive(st.get().host()) ? "" : " (not alive: stale)")
            + " at "
            + RelativeTime.both(s.observedAt(), now));
    out.add(
        "  charon-name "
            + VpnNames.charonConnection(c.id())
            + " (nsvpn-swanctl "
            + printer.ref(c.vpnService())
            + " --list-sas --ike "
            + VpnNames.charonConnection(c.id())
            + ")");
    out.add("  traffic " + counters(s.counters()));
    if (s.ikeSas().isEmpty()) {
      out.add("  no security associations");
    }
    for (IkeSaStatus ike : s.ikeSas()) {
      out.add(
          "  ike-sa #"
              + ike.uniqueId()
              + " "
              + ike.state()
              + " "
              + ike.version().text()
              + (ike.initiator() ? " initiator " : " responder ")
              + endpoint(ike.localAddress(), ike.localPort())
              + " <-> "
              + endpoint(ike.remoteAddress(), ike.remotePort())
              + " ids "
              + SafeText.escape(ike.localId())
              + " <-> "
              + SafeText.escape(ike.remoteId()));
      out.add(
          "    spi-i "
              + String.format("%016x", ike.initiatorSpi())
              + " spi-r "
              + String.format("%016x", ike.responderSpi())
              + ike.proposal().map(p -> " proposal " + p).orElse("")
              + ike.establishedAt().map(t -> " established " + when(t)).orElse("")
              + ike.rekeyAt().map(t -> " rekey " + when(t)).orElse("")
              + ike.reauthAt().map(t -> " reauth " + when(t)).orElse(""));
      for (ChildSaStatus child : ike.childSas()) {
        out.add(
            "    child-sa "
                + child.name()
                + " #"
                + child.uniqueId()
                + " "
                + child.state()
                + " "
                + child.protocol().text()
                + " "
                + child.mode().text()
                + (child.udpEncapsulation() ? " udp-encap" : "")
                + " spi-in "
                + String.format("%08x", child.spiIn())
                + " spi-out "
                + String.format("%08x", child.spiOut())
                + child.proposal().map(p -> " proposal " + p).orElse(""));
        out.add(
            "      "
                + SafeText.escape(String.join(",", child.localTs()))
                + " === "
                + SafeText.escape(String.join(",", child.remoteTs())));
        out.add("      " + counters(child.counters()));
        out.add(
            "      installed "
                + when(child.installedAt())
                + " rekey "
                + when(child.rekeyAt())
                + " expires "
                + when(child.expiresAt()));
      }
    }
  }

  /** {@code up}, or {@code error reason-code CODE reason TEXT}. */
  static String state(ConnectionStatus s) {
    Optional<Reason> reason = s.reason();
    return s.state().text()
        + reason
            .map(r -> " reason-code " + r.code().text() + " reason " + SafeText.escape(r.text()))
            .orElse("");
  }

  private String counters(SaCounters n) {
    return "in "
        + n.bytesIn()
        + " bytes "
        + n.packetsIn()
        + " packets last-use "
        + when(n.lastInbound())
        + ", out "
        + n.bytesOut()
        + " bytes "
        + n.packetsOut()
        + " packets last-use "
        + when(n.lastOutbound());
  }

  private String when(Optional<Instant> t) {
    return t.map(this::when).orElse("never");
  }

  private String when(Instant t) {
    return RelativeTime.both(t, now);
  }

  /**
   * ADDRESS:PORT, an IPv6 address in brackets (RFC 3986) so that the port is not read as a group.
   */
  private static String endpoint(IpAddress address, int port) {
    String host = address.family() == IpFamily.IPV6 ? "[" + address + "]" : address.toString();
    return host + ":" + port;
  }
}
