package org.nsvpn.ovsdb.ipsec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.chainrules.status.IkeSaStatus;
import org.nsvpn.chainrules.status.Reason;
import org.nsvpn.chainrules.status.ReasonCode;

/** The snapshot values and the status maps they produce, with the seed's keys. */
class StatusValuesTest {

  @Test
  void connectionStatusUsesTheSeedsKeysAndLeavesOutWhatIsUnknown() {
    assertThat(Snapshots.connectionMap(7, 1))
        .containsOnlyKeys(
            "policy_name",
            "request_id",
            "ike_status",
            "ike_local_addr",
            "ike_remote_addr",
            "ip_family",
            "ike_spi_inbound",
            "ike_spi_outbound",
            "ike_proposals",
            "ike_reauth_eta",
            "sa_status",
            "sa_mode",
            "sa_spi_inbound",
            "sa_spi_outbound",
            "sa_proposal",
            "sa_rekey_eta",
            "sa_data_bytes_in",
            "sa_data_packets_in",
            "sa_data_bytes_out",
            "sa_data_packets_out",
            "connection_state")
        .containsEntry("ike_status", "established")
        .containsEntry("ike_spi_inbound", "0000100000000007")
        .containsEntry("ike_spi_outbound", "0000200000000007")
        .containsEntry("sa_spi_inbound", "0xc0000007")
        .containsEntry("ike_reauth_eta", "1700003607")
        .containsEntry("sa_rekey_eta", "1700000907")
        .containsEntry("sa_data_bytes_in", "1507")
        .containsEntry("sa_status", "installed")
        .containsEntry("sa_mode", "tunnel")
        .containsEntry("request_id", "8")
        .containsEntry("connection_state", "up");
    ConnectionStatus failed =
        ConnectionStatus.notUp(
            Snapshots.connection(1, 1).connection(),
            Reason.of(ReasonCode.AUTHENTICATION_FAILED, "peer authentication failed"),
            List.of(),
            Instant.EPOCH);
    assertThat(IkeConnectionStatusMap.of("site-b", failed))
        .containsExactly(
            Map.entry("policy_name", "site-b"),
            Map.entry("ike_status", "error"),
            Map.entry("sa_data_bytes_in", "0"),
            Map.entry("sa_data_packets_in", "0"),
            Map.entry("sa_data_bytes_out", "0"),
            Map.entry("sa_data_packets_out", "0"),
            Map.entry("connection_state", "error"),
            Map.entry("reason_code", "authentication-failed"),
            Map.entry("reason", "authentication failed: peer authentication failed"));
  }

  @Test
  void theResponderSeesItsOwnSpiAsTheResponderSpi() {
    ConnectionStatus up = Snapshots.connection(1, 1);
    IkeSaStatus asInitiator = up.ikeSas().get(0);
    IkeSaStatus asResponder =
        new IkeSaStatus(
            asInitiator.uniqueId(),
            asInitiator.state(),
            asInitiator.version(),
            asInitiator.localAddress(),
            asInitiator.localPort(),
            asInitiator.remoteAddress(),
            asInitiator.remotePort(),
            asInitiator.localId(),
            asInitiator.remoteId(),
            false,
            asInitiator.initiatorSpi(),
            asInitiator.responderSpi(),
            asInitiator.proposal(),
            asInitiator.natDetected(),
            asInitiator.establishedAt(),
            asInitiator.rekeyAt(),
            asInitiator.reauthAt(),
            asInitiator.childSas());
    Map<String, String> map =
        IkeConnectionStatusMap.of(
            "site-1", ConnectionStatus.up(up.connection(), List.of(asResponder), Instant.EPOCH));
    assertThat(map)
        .containsEntry("ike_spi_inbound", "0000200000000001")
        .containsEntry("ike_spi_outbound", "0000100000000001");
  }

  @Test
  void theOuterAddressesAndTheirFamilyComeFromTheCurrentIkeSa() {
    ConnectionStatus up = Snapshots.connection(1, 1);
    assertThat(IkeConnectionStatusMap.of("site-1", up))
        .containsEntry("ike_local_addr", "192.0.2.1")
        .containsEntry("ike_remote_addr", "203.0.113.1")
        .containsEntry("ip_family", "IPv4");

    IkeSaStatus v4 = up.ikeSas().get(0);
    IkeSaStatus v6 =
        new IkeSaStatus(
            v4.uniqueId(),
            v4.state(),
            v4.version(),
            IpAddress.parse("2001:db8:ff::10"),
            v4.localPort(),
            IpAddress.parse("2001:db8:ff::30"),
            v4.remotePort(),
            v4.localId(),
            v4.remoteId(),
            v4.initiator(),
            v4.initiatorSpi(),
            v4.responderSpi(),
            v4.proposal(),
            v4.natDetected(),
            v4.establishedAt(),
            v4.rekeyAt(),
            v4.reauthAt(),
            v4.childSas());
    assertThat(
            IkeConnectionStatusMap.of(
                "site-1", ConnectionStatus.up(up.connection(), List.of(v6), Instant.EPOCH)))
        .containsEntry("ike_local_addr", "2001:db8:ff::10")
        .containsEntry("ike_remote_addr", "2001:db8:ff::30")
        .containsEntry("ip_family", "IPv6");
  }

  @Test
  void saAndSpStatusCarryTheCounters() {
    assertThat(Snapshots.sa(3, 0, 2).statusMap())
        .containsEntry("sa_data_bytes", "2003")
        .containsEntry("sa_data_packets", "23")
        .containsEntry("sa_conn_added", "1700000000")
        .containsEntry("sa_conn_used", "1700000100")
        .containsEntry("spi", "0xc0000003")
        .containsEntry("selector_src_addr_mask", "24");
    assertThat(Snapshots.sp(3, 2).statusMap())
        .containsEntry("sp_data_bytes", "1803")
        .containsEntry("sp_data_packets", "21")
        .containsEntry("sp_conn_added", "1700000000")
        .containsEntry("sp_conn_used", "0")
        .containsEntry("direction", "out")
        .containsEntry("action", "allow")
        .containsEntry("tmpl_sp_id", "4");
  }

  @Test
  void invalidValuesNameTheField() {
    assertThatThrownBy(() -> new SaKey(255, "192.0.2.1", IpsecProtocol.ESP))
        .hasMessage("spi: invalid value '255': must be in 256..4294967295");
    assertThatThrownBy(() -> new SpSelector("10.0.0.0", 8, "2001:db8::", 32, SpDirection.IN))
        .hasMessage("dest_addr: invalid value '2001:db8::': is an IPv6 address, expected IPv4");
    assertThatThrownBy(
            () ->
                IpsecStatusSnapshot.of(
                    Map.of("bad name", Snapshots.connection(1, 1)), List.of(), List.of()))
        .hasMessageStartingWith("policy_name: invalid value 'bad name'");
    assertThatThrownBy(() -> new Counters(-1, 0, 0, 0)).hasMessageStartingWith("bytes:");
    assertThatThrownBy(
            () ->
                new SaStatus(
                    new SaKey(300, "192.0.2.1", IpsecProtocol.ESP),
                    "2001:db8::1",
                    IpsecMode.TUNNEL,
                    Optional.empty(),
                    Counters.zero(0)))
        .hasMessageStartingWith("src_addr:");
  }

  @Test
  void aSnapshotRefusesTwoEntriesWithOneKeyAndARetainedRowItPublishes() {
    assertThatThrownBy(
            () ->
                IpsecStatusSnapshot.of(
                    Map.of(), List.of(Snapshots.sa(1, 0, 1), Snapshots.sa(1, 0, 2)), List.of()))
        .hasMessageContaining("appears twice in the snapshot");
    assertThat(Snapshots.snapshot(0, 10, 1).sas()).hasSize(20);
    assertThatThrownBy(() -> Snapshots.snapshot(0, 2, 1).retaining(Set.of(Snapshots.name(1))))
        .hasMessage("policy_name: invalid value 'site-1': is both published and retained");
  }

  @Test
  void enumsUseTheSchemasSpelling() {
    assertThat(IkeVersion.parse("ike_version", "IKEv1/v2")).isEqualTo(IkeVersion.ANY);
    assertThat(DhGroup.parse("ike_group", "diffie14")).isEqualTo(DhGroup.MODP2048);
    assertThatThrownBy(() -> IntegrityAlgorithm.parse("ike_integrity", "sha512-hma"))
        .hasMessage(
            "ike_integrity: invalid value 'sha512-hma': must be one of sha1-hmac, sha256-hmac,"
                + " sha512-hmac");
  }

  @Test
  void theShippedSchemaMatchesTheNamesTheCodeUses() throws Exception {
    var schema =
        org.nsvpn.ovsdb.wire.OvsdbJson.decodeSchema(
            org.nsvpn.ovsdb.wire.OvsdbJson.MAPPER.readTree(IpsecSchema.schemaJson()));
    assertThat(schema.name()).isEqualTo(IpsecSchema.DATABASE);
    assertThat(IpsecSchema.problems(schema)).isEmpty();
    for (var e : ConfigRows.COLUMNS.entrySet()) {
      assertThat(schema.tableColumns().get(e.getKey())).containsAll(e.getValue());
    }
  }
}
