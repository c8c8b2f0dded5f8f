package org.nsvpn.ovsdb.ipsec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nsvpn.ovsdb.api.Row;
import org.nsvpn.ovsdb.api.SetValue;

/** Operator rows to validated configuration: defaults, and what is refused. */
class ConfigRowsTest {

  private static Row.Builder ike() {
    return Row.builder()
        .put("policy_name", "branch")
        .put("ike_local_addr", "192.0.2.1")
        .put("ike_remote_addr", "203.0.113.9")
        .put("ip_family", SetValue.empty());
  }

  @Test
  void aMinimalIkeRowGetsTheDocumentedDefaults() {
    IkeConnectionConfig c = ConfigRows.ike(ike().build());
    assertThat(c.enabled()).isTrue();
    assertThat(c.ipFamily()).isEqualTo(IpFamily.IPV4);
    assertThat(c.ipsecProtocol()).isEqualTo(IpsecProtocol.ESP);
    assertThat(c.ipsecMode()).isEqualTo(IpsecMode.TUNNEL);
    assertThat(c.integrity()).isEqualTo(IntegrityAlgorithm.SHA256_HMAC);
    assertThat(c.encryption()).contains(EncryptionAlgorithm.AES256);
    assertThat(c.ikeVersion()).isEqualTo(IkeVersion.V2);
    assertThat(c.ikeGroup()).isEqualTo(DhGroup.MODP2048);
    assertThat(c.peerAuth()).isEqualTo(PeerAuth.PSK);
  }

  @Test
  void theFamilyFollowsTheAddressesWhenUnset() {
    IkeConnectionConfig c =
        ConfigRows.ike(
            ike()
                .put("ike_local_addr", "2001:db8::1")
                .put("ike_remote_addr", "2001:db8::2")
                .build());
    assertThat(c.ipFamily()).isEqualTo(IpFamily.IPV6);
  }

  @Test
  void ikeRowsThatMakeNoSenseAreRefusedWithTheColumnNamed() {
    assertThatThrownBy(
            () ->
                ConfigRows.ike(
                    Row.builder()
                        .put("policy_name", "x")
                        .put("ike_local_addr", "192.0.2.1")
                        .build()))
        .hasMessageStartingWith("ike_remote_addr:");
    assertThatThrownBy(
            () ->
                ConfigRows.ike(
                    ike().put("ipsec_protocol", "AH").put("encryption", "aes128").build()))
        .hasMessage("encryption: invalid value 'aes128': must be unset with ipsec_protocol AH");
    assertThat(ConfigRows.ike(ike().put("ipsec_protocol", "AH").build()).encryption()).isEmpty();
    assertThatThrownBy(() -> ConfigRows.ike(ike().put("peer_auth_by", "cert").build()))
        .hasMessageStartingWith("local_cert_id:");
    assertThatThrownBy(() -> ConfigRows.ike(ike().put("ip_family", "IPv6").build()))
        .hasMessage("ike_local_addr: invalid value '192.0.2.1': is an IPv4 address, expected IPv6");
  }

  private static Row.Builder sp() {
    return Row.builder()
        .put("src_addr", "10.1.0.0")
        .put("src_addr_mask", 16)
        .put("dest_addr", "10.2.0.0")
        .put("dest_addr_mask", 16)
        .put("direction", "out");
  }

  @Test
  void policiesWithAndWithoutTemplates() {
    ManualSpConfig bare = ConfigRows.sp(sp().build());
    assertThat(bare.template()).isEmpty();
    assertThat(bare.selector().family()).isEqualTo(IpFamily.IPV4);
    ManualSpConfig tunnel =
        ConfigRows.sp(
            sp().put("tmpl_protocol", "ESP")
                .put("tmpl_src_addr", "192.0.2.1")
                .put("tmpl_dest_addr", "203.0.113.9")
                .build());
    assertThat(tunnel.template().orElseThrow().mode()).isEqualTo(IpsecMode.TUNNEL);
    assertThatThrownBy(() -> ConfigRows.sp(sp().put("tmpl_protocol", "ESP").build()))
        .hasMessageStartingWith("tmpl_mode: invalid value 'tunnel': needs tmpl_src_addr");
    assertThatThrownBy(() -> ConfigRows.sp(sp().put("tmpl_src_addr", "192.0.2.1").build()))
        .hasMessageStartingWith("tmpl_protocol:");
    assertThatThrownBy(() -> ConfigRows.sp(sp().put("src_addr", "10.1.2.3").build()))
        .hasMessageContaining("host bits");
    assertThatThrownBy(() -> ConfigRows.sp(sp().put("addr_family", "IPv6").build()))
        .hasMessageStartingWith("addr_family: invalid value 'IPv6': disagrees");
  }

  private static Row.Builder sa() {
    return Row.builder()
        .put("spi", 4097)
        .put("dest_addr", "198.51.100.2")
        .put("protocol", "ESP")
        .put("src_addr", "198.51.100.1")
        .put("auth_type", "sha256-hmac")
        .put("auth_key_id", "k1")
        .put("encr_type", "aes128")
        .put("encr_key_id", "k2");
  }

  @Test
  void manualSasNeedKeysByIdAndMatchingFamilies() {
    ManualSaConfig c = ConfigRows.sa(sa().build());
    assertThat(c.family()).isEqualTo(IpFamily.IPV4);
    assertThat(c.mode()).isEqualTo(IpsecMode.TUNNEL);
    assertThat(c.selector()).isEmpty();
    assertThatThrownBy(() -> ConfigRows.sa(sa().put("encr_key_id", SetValue.empty()).build()))
        .hasMessageContaining("ESP needs encr_type and encr_key_id");
    assertThatThrownBy(() -> ConfigRows.sa(sa().put("protocol", "AH").build()))
        .hasMessageContaining("must be unset for AH");
    assertThatThrownBy(() -> ConfigRows.sa(sa().put("src_addr", "2001:db8::1").build()))
        .hasMessageStartingWith("src_addr:");
    assertThatThrownBy(() -> ConfigRows.sa(sa().put("selector_src_addr", "10.0.0.0").build()))
        .hasMessageStartingWith("selector_dest_addr:");
    ManualSaConfig withSelector =
        ConfigRows.sa(
            sa().put("selector_src_addr", "10.0.0.1")
                .put("selector_dest_addr", "10.9.0.1")
                .build());
    assertThat(withSelector.selector().orElseThrow().srcMask()).isEqualTo(32);
  }
}
