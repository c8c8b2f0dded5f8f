package org.nsvpn.ovsdb.ipsec;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The state of one IKE connection (policy), written to its {@code Ipsec_Ike_Connection} row's
 * {@code ipsec_ike_conn_statuses} map with the seed's keys. Absent values are left out of the map.
 * Build with {@link #builder(String, String)}.
 *
 * @param policyName the row's key
 * @param ikeStatus IKE SA state, e.g. {@code established}, {@code connecting}, {@code down}
 * @param requestId reqid of the CHILD SA's policies
 * @param ikeSpiInbound our IKE SPI (64 bits, written as 16 hex digits)
 * @param ikeSpiOutbound the peer's IKE SPI
 * @param ikeProposals the negotiated IKE proposal, e.g. {@code AES_CBC_256/HMAC_SHA2_256_128/...}
 * @param ikeReauthEta when the IKE SA is due for re-authentication (written as epoch seconds: an
 *     absolute time does not change from one refresh to the next, so an idle connection's row is
 *     not rewritten)
 * @param saStatus CHILD SA state, e.g. {@code installed}
 * @param saMode CHILD SA mode
 * @param saSpiInbound inbound ESP/AH SPI (32 bits, written as {@code 0x} and 8 hex digits)
 * @param saSpiOutbound outbound ESP/AH SPI
 * @param saProposal the negotiated CHILD SA proposal
 * @param saRekeyEta when the CHILD SA is due for rekeying (epoch seconds)
 * @param traffic the CHILD SAs' counters (nsvpn keys {@code sa_data_bytes_in}, {@code
 *     sa_data_packets_in}, {@code sa_data_bytes_out}, {@code sa_data_packets_out})
 * @param lastError the last error charon reported for the connection (error-notify), if any
 */
public record IkeConnectionStatus(
    String policyName,
    String ikeStatus,
    OptionalLong requestId,
    OptionalLong ikeSpiInbound,
    OptionalLong ikeSpiOutbound,
    Optional<String> ikeProposals,
    Optional<Instant> ikeReauthEta,
    Optional<String> saStatus,
    Optional<IpsecMode> saMode,
    OptionalLong saSpiInbound,
    OptionalLong saSpiOutbound,
    Optional<String> saProposal,
    Optional<Instant> saRekeyEta,
    Optional<TrafficCounters> traffic,
    Optional<String> lastError) {

  public IkeConnectionStatus {
    Checks.policyName("policy_name", policyName);
    Checks.text("ike_status", ikeStatus, 64);
    requestId.ifPresent(v -> Checks.range("request_id", v, 0, 0xFFFF_FFFFL));
    ikeProposals.ifPresent(v -> Checks.text("ike_proposals", v, 1024));
    Objects.requireNonNull(ikeReauthEta, "ike_reauth_eta");
    saStatus.ifPresent(v -> Checks.text("sa_status", v, 64));
    Objects.requireNonNull(saMode, "sa_mode");
    saSpiInbound.ifPresent(v -> Checks.range("sa_spi_inbound", v, 0, 0xFFFF_FFFFL));
    saSpiOutbound.ifPresent(v -> Checks.range("sa_spi_outbound", v, 0, 0xFFFF_FFFFL));
    saProposal.ifPresent(v -> Checks.text("sa_proposal", v, 1024));
    Objects.requireNonNull(saRekeyEta, "sa_rekey_eta");
    Objects.requireNonNull(traffic, "traffic");
    lastError.ifPresent(v -> Checks.text("last_error", v, 1024));
  }

  /** Starts a status for {@code policyName} in IKE state {@code ikeStatus}. */
  public static Builder builder(String policyName, String ikeStatus) {
    return new Builder(policyName, ikeStatus);
  }

  /** The row's status map, with the seed's keys; absent values are left out. */
  public Map<String, String> statusMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("policy_name", policyName);
    requestId.ifPresent(v -> m.put("request_id", Long.toString(v)));
    m.put("ike_status", ikeStatus);
    ikeSpiInbound.ifPresent(v -> m.put("ike_spi_inbound", String.format("%016x", v)));
    ikeSpiOutbound.ifPresent(v -> m.put("ike_spi_outbound", String.format("%016x", v)));
    ikeProposals.ifPresent(v -> m.put("ike_proposals", v));
    ikeReauthEta.ifPresent(v -> m.put("ike_reauth_eta", Long.toString(v.getEpochSecond())));
    saStatus.ifPresent(v -> m.put("sa_status", v));
    saMode.ifPresent(v -> m.put("sa_mode", v.text()));
    saSpiInbound.ifPresent(v -> m.put("sa_spi_inbound", String.format("0x%08x", v)));
    saSpiOutbound.ifPresent(v -> m.put("sa_spi_outbound", String.format("0x%08x", v)));
    saProposal.ifPresent(v -> m.put("sa_proposal", v));
    saRekeyEta.ifPresent(v -> m.put("sa_rekey_eta", Long.toString(v.getEpochSecond())));
    traffic.ifPresent(
        t -> {
          m.put("sa_data_bytes_in", Long.toString(t.bytesIn()));
          m.put("sa_data_packets_in", Long.toString(t.packetsIn()));
          m.put("sa_data_bytes_out", Long.toString(t.bytesOut()));
          m.put("sa_data_packets_out", Long.toString(t.packetsOut()));
        });
    lastError.ifPresent(v -> m.put("last_error", v));
    return Collections.unmodifiableMap(m);
  }

  /** Builds an {@link IkeConnectionStatus}; every value but name and IKE state is optional. */
  public static final class Builder {
    private final String policyName;
    private final String ikeStatus;
    private OptionalLong requestId = OptionalLong.empty();
    private OptionalLong ikeSpiInbound = OptionalLong.empty();
    private OptionalLong ikeSpiOutbound = OptionalLong.empty();
    private Optional<String> ikeProposals = Optional.empty();
    private Optional<Instant> ikeReauthEta = Optional.empty();
    private Optional<String> saStatus = Optional.empty();
    private Optional<IpsecMode> saMode = Optional.empty();
    private OptionalLong saSpiInbound = OptionalLong.empty();
    private OptionalLong saSpiOutbound = OptionalLong.empty();
    private Optional<String> saProposal = Optional.empty();
    private Optional<Instant> saRekeyEta = Optional.empty();
    private Optional<TrafficCounters> traffic = Optional.empty();
    private Optional<String> lastError = Optional.empty();

    private Builder(String policyName, String ikeStatus) {
      this.policyName = policyName;
      this.ikeStatus = ikeStatus;
    }

    public Builder requestId(long v) {
      requestId = OptionalLong.of(v);
      return this;
    }

    public Builder ikeSpis(long inbound, long outbound) {
      ikeSpiInbound = OptionalLong.of(inbound);
      ikeSpiOutbound = OptionalLong.of(outbound);
      return this;
    }

    public Builder ikeProposals(String v) {
      ikeProposals = Optional.of(v);
      return this;
    }

    public Builder ikeReauthEta(Instant v) {
      ikeReauthEta = Optional.of(v);
      return this;
    }

    public Builder saStatus(String v) {
      saStatus = Optional.of(v);
      return this;
    }

    public Builder saMode(IpsecMode v) {
      saMode = Optional.of(v);
      return this;
    }

    public Builder saSpis(long inbound, long outbound) {
      saSpiInbound = OptionalLong.of(inbound);
      saSpiOutbound = OptionalLong.of(outbound);
      return this;
    }

    public Builder saProposal(String v) {
      saProposal = Optional.of(v);
      return this;
    }

    public Builder saRekeyEta(Instant v) {
      saRekeyEta = Optional.of(v);
      return this;
    }

    public Builder traffic(TrafficCounters v) {
      traffic = Optional.of(v);
      return this;
    }

    public Builder lastError(String v) {
      lastError = Optional.of(v);
      return this;
    }

    public IkeConnectionStatus build() {
      return new IkeConnectionStatus(
          policyName,
          ikeStatus,
          requestId,
          ikeSpiInbound,
          ikeSpiOutbound,
          ikeProposals,
          ikeReauthEta,
          saStatus,
          saMode,
          saSpiInbound,
          saSpiOutbound,
          saProposal,
          saRekeyEta,
          traffic,
          lastError);
    }
  }
}
