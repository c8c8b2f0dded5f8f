package org.nsvpn.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.nsvpn.chainrules.SafeText;
import org.nsvpn.chainrules.id.GatewayGroupId;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.model.Host;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.status.ChildSaStatus;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.chainrules.status.IkeSaStatus;
import org.nsvpn.chainrules.status.Reason;
import org.nsvpn.chainrules.status.SaCounters;
import org.nsvpn.topology.ObjectKind;
import org.nsvpn.topology.StatusStore;
import org.nsvpn.topology.StoreSnapshot;
import org.nsvpn.topology.status.ConnectionReport;
import org.nsvpn.topology.status.GatewayAssignment;
import org.nsvpn.topology.status.VpnServiceStatus;

/**
 * {@code vpn-service X show status}: a troubleshooting view in the spirit of {@code ovs-appctl
 * tunnels/show}. Per connection: the configured parameters (PSK masked), the state and its reason,
 * and each IKE SA with its child SAs, SPIs, proposals and counters, as the agent last reported
 * them. A record whose reporting host is not alive is marked stale. Text that came from a peer or
 * the IKE daemon (reasons, identities) is escaped. A service with a gateway group also shows where
 * the scheduler placed it: the host (by name, with its liveness), since when, why, and the host it
 * moved from.
 */
final class StatusView {
  private final StoreSnapshot snapshot;
  private final StatusStore status;
  private final Printer printer;

  StatusView(StoreSnapshot snapshot, StatusStore status, Printer printer) {
    this.snapshot = snapshot;
    this.status = status;
    this.printer = printer;
  }

  List<String> render(VpnService service) {
    List<String> out = new ArrayList<>();
    out.add(printer.vpnService(service));
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
          status.isAlive(st.host()) ? " (alive)" : " (host not alive: status may be stale)");
      st.reason().ifPresent(r -> line.append(" reason: ").append(SafeText.escape(r)));
      out.add(line.toString());
      List<String> details = new ArrayList<>();
      st.namespace().ifPresent(n -> details.add("namespace " + n));
      st.charonPid().ifPresent(p -> details.add("charon-pid " + p));
      details.add("updated " + st.updatedAt());
      out.add("  " + String.join(" ", details));
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
            + a.since());
    out.add(
        "  placement reason "
            + a.reason().text()
            + a.previous().map(p -> " previous host " + printer.hostName(p)).orElse(""));
  }

  /** {@code alive} or {@code not alive}, and {@code in maintenance} when the host is drained. */
  private String hostState(HostId host) {
    boolean alive = status.liveHosts().containsKey(host);
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
            + c.localId().orElse("(external-ip)")
            + " local-cidrs "
            + Printer.join(c.localCidrs())
            + " peer-cidrs "
            + Printer.join(c.peerCidrs())
            + " psk ****");
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
            + (status.isAlive(st.get().host()) ? "" : " (not alive: stale)")
            + " at "
            + s.observedAt());
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
              + ike.localAddress()
              + ":"
              + ike.localPort()
              + " <-> "
              + ike.remoteAddress()
              + ":"
              + ike.remotePort()
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
              + ike.establishedAt().map(t -> " established " + t).orElse("")
              + ike.rekeyAt().map(t -> " rekey " + t).orElse("")
              + ike.reauthAt().map(t -> " reauth " + t).orElse(""));
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

  private static String counters(SaCounters n) {
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

  private static String when(Optional<Instant> t) {
    return t.map(Instant::toString).orElse("never");
  }
}
