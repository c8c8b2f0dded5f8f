package org.nsvpn.ovsdb.ipsec;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.nsvpn.chainrules.model.EncapsulationMode;
import org.nsvpn.chainrules.status.ChildSaStatus;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.chainrules.status.IkeSaStatus;
import org.nsvpn.chainrules.status.SaCounters;

/**
 * The one translation from the status model to an {@code Ipsec_Ike_Connection} row's {@code
 * ipsec_ike_conn_statuses} map. Keys are the seed's, from the connection's current IKE SA and its
 * current child SA, plus nsvpn's: the state and its reason, and the connection's counters.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><td>{@code policy_name}</td><td>the row's key</td></tr>
 *   <tr><td>{@code request_id}</td><td>reqid of the current child SA, when known</td></tr>
 *   <tr><td>{@code ike_status}</td><td>the current IKE SA's state in lower case
 *       ({@code established}, {@code connecting}, ...), or the connection state without one</td></tr>
 *   <tr><td>{@code ike_local_addr}, {@code ike_remote_addr}, {@code ip_family}</td><td>the
 *       current IKE SA's addresses and their family ({@code IPv4} or {@code IPv6}, the spelling of
 *       the config column of that name): the tunnel's outer addresses as negotiated</td></tr>
 *   <tr><td>{@code ike_spi_inbound}, {@code ike_spi_outbound}</td><td>this side's and the peer's
 *       IKE SPI, 16 hex digits</td></tr>
 *   <tr><td>{@code ike_proposals}, {@code sa_proposal}</td><td>negotiated algorithms</td></tr>
 *   <tr><td>{@code ike_reauth_eta}, {@code sa_rekey_eta}</td><td>when due, epoch seconds</td></tr>
 *   <tr><td>{@code sa_status}, {@code sa_mode}</td><td>the current child SA's state (lower case)
 *       and mode</td></tr>
 *   <tr><td>{@code sa_spi_inbound}, {@code sa_spi_outbound}</td><td>{@code 0x} and 8 hex
 *       digits</td></tr>
 *   <tr><td>{@code sa_data_bytes_in}, {@code sa_data_packets_in}, {@code sa_data_bytes_out},
 *       {@code sa_data_packets_out}</td><td>nsvpn: {@link ConnectionStatus#counters()}</td></tr>
 *   <tr><td>{@code connection_state}</td><td>nsvpn: {@code up}, {@code connecting},
 *       {@code down} or {@code error}</td></tr>
 *   <tr><td>{@code reason_code}, {@code reason}</td><td>nsvpn: why the connection is not up;
 *       absent when it is</td></tr>
 * </table>
 *
 * Absent values are left out of the map. Times are absolute, so an idle connection's map does not
 * change between refreshes and its row is not rewritten.
 */
public final class IkeConnectionStatusMap {
  private IkeConnectionStatusMap() {}

  /** The status map of the row keyed {@code policyName}. */
  public static Map<String, String> of(String policyName, ConnectionStatus status) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("policy_name", policyName);
    Optional<IkeSaStatus> ike = status.currentIkeSa();
    Optional<ChildSaStatus> child = status.currentChildSa();
    child
        .filter(c -> c.requestId() != 0)
        .ifPresent(c -> m.put("request_id", Long.toString(c.requestId())));
    m.put(
        "ike_status",
        ike.map(sa -> sa.state().toLowerCase(Locale.ROOT)).orElse(status.state().text()));
    ike.ifPresent(
        sa -> {
          m.put("ike_local_addr", sa.localAddress().toString());
          m.put("ike_remote_addr", sa.remoteAddress().toString());
          // The model's and the schema's families share their constant names.
          m.put("ip_family", IpFamily.valueOf(sa.remoteAddress().family().name()).text());
          long mine = sa.initiator() ? sa.initiatorSpi() : sa.responderSpi();
          long theirs = sa.initiator() ? sa.responderSpi() : sa.initiatorSpi();
          m.put("ike_spi_inbound", String.format("%016x", mine));
          m.put("ike_spi_outbound", String.format("%016x", theirs));
          sa.proposal().ifPresent(p -> m.put("ike_proposals", p.toString()));
          sa.reauthAt().ifPresent(t -> m.put("ike_reauth_eta", epoch(t)));
        });
    child.ifPresent(
        c -> {
          m.put("sa_status", c.state().toLowerCase(Locale.ROOT));
          m.put(
              "sa_mode",
              (c.mode() == EncapsulationMode.TRANSPORT ? IpsecMode.TRANSPORT : IpsecMode.TUNNEL)
                  .text());
          m.put("sa_spi_inbound", String.format("0x%08x", c.spiIn()));
          m.put("sa_spi_outbound", String.format("0x%08x", c.spiOut()));
          c.proposal().ifPresent(p -> m.put("sa_proposal", p.toString()));
          c.rekeyAt().ifPresent(t -> m.put("sa_rekey_eta", epoch(t)));
        });
    SaCounters n = status.counters();
    m.put("sa_data_bytes_in", Long.toString(n.bytesIn()));
    m.put("sa_data_packets_in", Long.toString(n.packetsIn()));
    m.put("sa_data_bytes_out", Long.toString(n.bytesOut()));
    m.put("sa_data_packets_out", Long.toString(n.packetsOut()));
    m.put("connection_state", status.state().text());
    status
        .reason()
        .ifPresent(
            r -> {
              m.put("reason_code", r.code().text());
              m.put("reason", r.text());
            });
    return Collections.unmodifiableMap(m);
  }

  private static String epoch(Instant t) {
    return Long.toString(t.getEpochSecond());
  }
}
