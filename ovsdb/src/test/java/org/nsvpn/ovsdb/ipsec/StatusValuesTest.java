package org.nsvpn.ovsdb.ipsec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The snapshot values and the status maps they produce, with the seed's keys. */
class StatusValuesTest {

  @Test
  void connectionStatusUsesTheSeedsKeysAndLeavesOutWhatIsUnknown() {
    IkeConnectionStatus full = Snapshots.connection(7, 1);
    assertThat(full.statusMap())
        .containsOnlyKeys(
            "policy_name",
            "request_id",
            "ike_status",
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
            "sa_data_packets_out")
        .containsEntry("ike_spi_inbound", "0000100000000007")
        .containsEntry("sa_spi_inbound", "0xc0000007")
        .containsEntry("ike_reauth_eta", "1700003607")
        .containsEntry("sa_data_bytes_in", "1507")
        .containsEntry("sa_mode", "tunnel");
    IkeConnectionStatus down =
        IkeConnectionStatus.builder("site-b", "down")
            .lastError("AUTH_FAILED: peer rejected our PSK")
            .build();
    assertThat(down.statusMap())
        .containsExactly(
            java.util.Map.entry("policy_name", "site-b"),
            java.util.Map.entry("ike_status", "down"),
            java.util.Map.entry("last_error", "AUTH_FAILED: peer rejected our PSK"));
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
    assertThatThrownBy(() -> IkeConnectionStatus.builder("bad name", "up").build())
        .hasMessageStartingWith("policy_name: invalid value 'bad name'");
    assertThatThrownBy(() -> new TrafficCounters(0, -1, 0, 0))
        .hasMessageStartingWith("sa_data_packets_in:");
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
  void aSnapshotRefusesTwoEntriesWithOneKey() {
    assertThatThrownBy(
            () ->
                IpsecStatusSnapshot.of(
                    List.of(Snapshots.connection(1, 1), Snapshots.connection(1, 2)),
                    List.of(),
                    List.of()))
        .hasMessage("policy_name: invalid value 'site-1': appears twice in the snapshot");
    assertThat(Snapshots.snapshot(0, 10, 1).sas()).hasSize(20);
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
