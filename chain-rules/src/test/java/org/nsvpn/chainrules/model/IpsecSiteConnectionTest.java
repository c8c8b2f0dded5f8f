package org.nsvpn.chainrules.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;

class IpsecSiteConnectionTest {

  static IpsecSiteConnection.Builder valid() {
    return IpsecSiteConnection.builder()
        .id(IpsecSiteConnectionId.random())
        .vpnService(VpnServiceId.random())
        .name("site-b")
        .peerAddress(IpAddress.parse("198.51.100.2"))
        .localCidrs(IpSubnet.parse("192.168.10.0/24"))
        .peerCidrs(IpSubnet.parse("192.168.20.0/24"))
        .psk(new SecretRef("site-b-psk"));
  }

  @Test
  void defaultsFollowTheDocumentedChoices() {
    IpsecSiteConnection c = valid().build();
    assertThat(c.peerId()).isEqualTo("198.51.100.2");
    assertThat(c.localId()).isEmpty();
    assertThat(c.ikePolicy()).isEqualTo(IkePolicy.DEFAULT);
    assertThat(c.ikePolicy().version()).isEqualTo(IkeVersion.V2);
    assertThat(c.ikePolicy().lifetime()).isEqualTo(Duration.ofHours(3));
    assertThat(c.ipsecPolicy().pfs()).contains(DhGroup.GROUP14);
    assertThat(c.ipsecPolicy().lifetime()).isEqualTo(Duration.ofHours(1));
    assertThat(c.dpd())
        .isEqualTo(
            new DeadPeerDetection(DpdAction.HOLD, Duration.ofSeconds(30), Duration.ofSeconds(120)));
    assertThat(c.initiator()).isEqualTo(Initiator.BI_DIRECTIONAL);
    assertThat(c.mtu()).isEqualTo(1500);
    assertThat(c.forceUdpEncapsulation()).isFalse();
    assertThat(c.adminStateUp()).isTrue();
    assertThat(c.toBuilder().build()).isEqualTo(c);
  }

  @Test
  void carriesTheFullSiteToSiteParameterSet() {
    IpsecSiteConnection c =
        valid()
            .peerId("gw.example.net")
            .localId(Optional.of("CN=nsvpn, O=Example"))
            .localCidrs(IpSubnet.parse("10.1.0.0/16"), IpSubnet.parse("10.2.0.0/16"))
            .peerCidrs(IpSubnet.parse("172.16.0.0/12"))
            .ikePolicy(
                IkePolicy.DEFAULT
                    .withVersion(IkeVersion.V1)
                    .withEncryption(EncryptionAlgorithm.AES_128)
                    .withIntegrity(IntegrityAlgorithm.SHA1)
                    .withDhGroup(DhGroup.GROUP5)
                    .withPhase1Mode(Phase1Mode.AGGRESSIVE)
                    .withReauthenticate(true)
                    .withLifetime(Duration.ofSeconds(28800)))
            .ipsecPolicy(
                IpsecPolicy.DEFAULT
                    .withTransform(TransformProtocol.AH_ESP)
                    .withMode(EncapsulationMode.TRANSPORT)
                    .withEncryption(EncryptionAlgorithm.AES_256_GCM_16)
                    .withPfs(Optional.empty())
                    .withLifetime(Duration.ofMinutes(30)))
            .dpd(
                new DeadPeerDetection(
                    DpdAction.RESTART, Duration.ofSeconds(10), Duration.ofSeconds(30)))
            .initiator(Initiator.RESPONSE_ONLY)
            .mtu(1400)
            .forceUdpEncapsulation(true)
            .adminStateUp(false)
            .build();
    assertThat(c.ikePolicy().phase1Mode()).isEqualTo(Phase1Mode.AGGRESSIVE);
    assertThat(c.ipsecPolicy().encryption().isAead()).isTrue();
    assertThat(c.localCidrs()).hasSize(2);
    assertThat(c.family()).hasToString("IPv4");
  }

  static Stream<Arguments> badConnections() {
    return Stream.of(
        bad(
            "empty local CIDRs",
            b -> b.localCidrs(List.of()),
            "local-cidrs: invalid value '[]': must not be empty"),
        bad(
            "empty peer CIDRs",
            b -> b.peerCidrs(List.of()),
            "peer-cidrs: invalid value '[]': must not be empty"),
        bad(
            "overlap",
            b -> b.peerCidrs(IpSubnet.parse("192.168.10.128/25")),
            "peer-cidrs: invalid value '192.168.10.128/25': overlaps local CIDR 192.168.10.0/24"),
        bad(
            "mixed families",
            b -> b.peerCidrs(IpSubnet.parse("2001:db8::/32")),
            "peer-cidrs: invalid value '2001:db8::/32': is IPv6; all CIDRs of a connection must be IPv4"),
        bad(
            "duplicate CIDR",
            b -> b.peerCidrs(IpSubnet.parse("192.168.20.0/24"), IpSubnet.parse("192.168.20.0/24")),
            "peer-cidrs: invalid value '192.168.20.0/24': is listed twice"),
        bad(
            "multicast peer",
            b -> b.peerAddress(IpAddress.parse("224.0.0.1")),
            "peer-address: invalid value '224.0.0.1': must be a unicast address"),
        bad(
            "unspecified peer",
            b -> b.peerAddress(IpAddress.parse("0.0.0.0")),
            "peer-address: invalid value '0.0.0.0'"),
        bad(
            "missing peer",
            b -> b.peerAddress(null),
            "peer-address: invalid value 'null': is required"),
        bad(
            "control char in id",
            b -> b.peerId("evil\nid"),
            "peer-id: invalid value 'evil\\x0aid'"),
        bad("quote in id", b -> b.localId(Optional.of("a\"b")), "local-id: invalid value 'a\"b'"),
        bad("empty id", b -> b.peerId(""), "peer-id: invalid value ''"),
        bad("mtu low", b -> b.mtu(67), "mtu: invalid value '67': must be in 68..9216"),
        bad("mtu high", b -> b.mtu(65536), "mtu: invalid value '65536'"),
        bad(
            "ipv6 mtu",
            b ->
                b.localCidrs(IpSubnet.parse("2001:db8:1::/48"))
                    .peerCidrs(IpSubnet.parse("2001:db8:2::/48"))
                    .mtu(1000),
            "mtu: invalid value '1000': must be in 1280..9216"),
        bad("name", b -> b.name("site b"), "ipsec-site-connection name: invalid value 'site b'"),
        bad("secret missing", b -> b.psk(null), "secret: invalid value 'null': is required"));
  }

  private static Arguments bad(
      String what, UnaryOperator<IpsecSiteConnection.Builder> edit, String message) {
    return Arguments.of(what, edit, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badConnections")
  void refusesBadInputNamingFieldAndValue(
      String what, UnaryOperator<IpsecSiteConnection.Builder> edit, String message) {
    assertThatThrownBy(() -> edit.apply(valid()).build())
        .isInstanceOf(InvalidValueException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void policiesRefuseImpossibleCombinations() {
    assertThatThrownBy(
            () ->
                IkePolicy.DEFAULT
                    .withVersion(IkeVersion.V1)
                    .withEncryption(EncryptionAlgorithm.AES_128_GCM_16))
        .hasMessageStartingWith(
            "ike-encryption: invalid value 'aes-128-gcm-16': AEAD ciphers need IKEv2");
    assertThatThrownBy(() -> IkePolicy.DEFAULT.withPhase1Mode(Phase1Mode.AGGRESSIVE))
        .hasMessageStartingWith("phase1-mode: invalid value 'aggressive'");
    assertThatThrownBy(
            () ->
                IpsecPolicy.DEFAULT
                    .withTransform(TransformProtocol.AH)
                    .withEncryption(EncryptionAlgorithm.AES_128_CCM_8))
        .hasMessageStartingWith("esp-encryption:");
    assertThatThrownBy(() -> IkePolicy.DEFAULT.withLifetime(Duration.ofSeconds(59)))
        .hasMessage("ike-lifetime: invalid value '59s': must be whole seconds in 60..86400");
    assertThatThrownBy(() -> IpsecPolicy.DEFAULT.withLifetime(Duration.ofHours(25)))
        .hasMessageStartingWith("ipsec-lifetime: invalid value '90000s'");
    assertThatThrownBy(
            () ->
                new DeadPeerDetection(
                    DpdAction.HOLD, Duration.ofSeconds(30), Duration.ofSeconds(30)))
        .hasMessageStartingWith(
            "dpd-timeout: invalid value '30s': must be whole seconds, longer than dpd-interval");
    assertThatThrownBy(
            () -> new DeadPeerDetection(DpdAction.HOLD, Duration.ZERO, Duration.ofSeconds(30)))
        .hasMessageStartingWith("dpd-interval:");
  }

  @Test
  void enumsParseTheirCanonicalTextAndListAlternatives() {
    assertThat(EncryptionAlgorithm.parse("ike-encryption", "aes-256"))
        .isEqualTo(EncryptionAlgorithm.AES_256);
    assertThat(IntegrityAlgorithm.parse("ike-integrity", "sha384"))
        .isEqualTo(IntegrityAlgorithm.SHA384);
    assertThat(DhGroup.parse("pfs", "group19").number()).isEqualTo(19);
    assertThat(IkeVersion.parse("ike-version", "v1")).isEqualTo(IkeVersion.V1);
    assertThat(Initiator.parse("initiator", "response-only")).isEqualTo(Initiator.RESPONSE_ONLY);
    assertThat(DpdAction.parse("dpd-action", "restart-by-peer"))
        .isEqualTo(DpdAction.RESTART_BY_PEER);
    assertThat(TransformProtocol.parse("transform", "ah-esp")).isEqualTo(TransformProtocol.AH_ESP);
    assertThat(EncapsulationMode.parse("encapsulation-mode", "transport"))
        .isEqualTo(EncapsulationMode.TRANSPORT);
    assertThat(Phase1Mode.parse("phase1-mode", "main")).isEqualTo(Phase1Mode.MAIN);
    assertThatThrownBy(() -> DhGroup.parse("ike-dh-group", "group1"))
        .hasMessage(
            "ike-dh-group: invalid value 'group1': must be one of group2, group5, group14, group15, group16, group17, group18, group19, group20, group21, group31");
    assertThatThrownBy(() -> IkeVersion.parse("ike-version", "v3"))
        .hasMessage("ike-version: invalid value 'v3': must be one of v1, v2");
    assertThatThrownBy(() -> EncryptionAlgorithm.parse("esp-encryption", null))
        .hasMessageStartingWith("esp-encryption: invalid value 'null'");
  }

  @Test
  void secretRefsAreNamesNotSecrets() {
    assertThat(new SecretRef("conn-1.psk")).hasToString("conn-1.psk");
    assertThatThrownBy(() -> new SecretRef("../../etc/shadow")).hasMessageStartingWith("psk-ref:");
    assertThatThrownBy(() -> new SecretRef("")).hasMessageStartingWith("psk-ref:");
  }
}
