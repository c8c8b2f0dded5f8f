package org.nsvpn.strongswan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.DeadPeerDetection;
import org.nsvpn.chainrules.model.DhGroup;
import org.nsvpn.chainrules.model.DpdAction;
import org.nsvpn.chainrules.model.EncapsulationMode;
import org.nsvpn.chainrules.model.EncryptionAlgorithm;
import org.nsvpn.chainrules.model.IkeVersion;
import org.nsvpn.chainrules.model.Initiator;
import org.nsvpn.chainrules.model.IntegrityAlgorithm;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.Phase1Mode;
import org.nsvpn.chainrules.model.SecretRef;
import org.nsvpn.chainrules.model.TransformProtocol;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.strongswan.vici.ViciSection;

class ConnectionMappingTest {
  private static final VpnService SERVICE =
      new VpnService(
          VpnServiceId.random(), "vpn", RouterId.random(), IpAddress.parse("203.0.113.1"), true);
  private static final IpsecSiteConnectionId ID =
      new IpsecSiteConnectionId(UUID.fromString("0123abcd-0000-4000-8000-00000000beef"));

  private static IpsecSiteConnection.Builder site() {
    return IpsecSiteConnection.builder()
        .id(ID)
        .vpnService(SERVICE.id())
        .name("branch-office")
        .peerAddress(IpAddress.parse("198.51.100.7"))
        .localCidrs(IpSubnet.parse("10.1.0.0/24"), IpSubnet.parse("10.1.1.0/24"))
        .peerCidrs(IpSubnet.parse("10.2.0.0/16"))
        .psk(new SecretRef("branch-psk"));
  }

  private static ViciSection map(IpsecSiteConnection connection, Backend backend) {
    ViciSection message =
        ConnectionMapping.loadConn(ConnectionSpec.of(SERVICE, connection), backend);
    assertThat(message.entries().keySet()).containsExactly(ConnectionMapping.charonName(ID));
    return message.section(ConnectionMapping.charonName(ID)).orElseThrow();
  }

  private static ViciSection child(ViciSection conn) {
    return conn.section("children")
        .orElseThrow()
        .section(ConnectionMapping.charonName(ID))
        .orElseThrow();
  }

  @Test
  void namesComeFromTheIdAndMapBack() {
    assertThat(ConnectionMapping.charonName(ID))
        .isEqualTo("nsvpn-0123abcd00004000800000000000beef");
    assertThat(ConnectionMapping.connectionId("nsvpn-0123abcd00004000800000000000beef"))
        .contains(ID);
    assertThat(ConnectionMapping.connectionId("site1")).isEmpty();
    assertThat(ConnectionMapping.connectionId("nsvpn-0123")).isEmpty();
  }

  @Test
  void theDefaultConnectionOnTheKernelBackend() {
    ViciSection conn = map(site().build(), Backend.KERNEL_NETLINK);
    assertThat(conn.text("version")).contains("2");
    assertThat(conn.texts("local_addrs")).containsExactly("203.0.113.1");
    assertThat(conn.texts("remote_addrs")).containsExactly("198.51.100.7");
    assertThat(conn.texts("proposals")).containsExactly("aes256-sha256-prfsha256-modp2048");
    assertThat(conn.text("encap")).contains("no");
    assertThat(conn.text("mobike")).contains("no");
    assertThat(conn.text("rekey_time")).contains("9720s");
    assertThat(conn.text("reauth_time")).contains("0s");
    assertThat(conn.text("over_time")).contains("1080s");
    assertThat(conn.text("keyingtries")).contains("0");
    assertThat(conn.text("dpd_delay")).contains("30s");
    assertThat(conn.text("dpd_timeout")).contains("120s");
    assertThat(conn.section("local").orElseThrow().text("id")).contains("203.0.113.1");
    assertThat(conn.section("local").orElseThrow().text("auth")).contains("psk");
    assertThat(conn.section("remote").orElseThrow().text("id")).contains("198.51.100.7");
    assertThat(conn.text("aggressive")).as("IKEv2 has no aggressive mode").isEmpty();

    ViciSection child = child(conn);
    assertThat(child.texts("local_ts")).containsExactly("10.1.0.0/24", "10.1.1.0/24");
    assertThat(child.texts("remote_ts")).containsExactly("10.2.0.0/16");
    assertThat(child.texts("esp_proposals")).containsExactly("aes256-sha256-modp2048");
    assertThat(child.list("ah_proposals")).isEmpty();
    assertThat(child.text("mode")).contains("tunnel");
    assertThat(child.text("life_time")).contains("3600s");
    assertThat(child.text("rekey_time")).contains("3240s");
    assertThat(child.text("start_action"))
        .as("trap for fail-closed policies; nsvpn initiates itself")
        .contains("trap");
    assertThat(child.text("close_action")).contains("none");
    assertThat(child.text("dpd_action")).contains("trap");
  }

  @Test
  void userSpaceEspForcesEncapsulationAndRestartsInsteadOfTrapping() {
    ViciSection conn = map(site().build(), Backend.KERNEL_LIBIPSEC);
    assertThat(conn.text("encap")).contains("yes");
    assertThat(child(conn).text("dpd_action")).contains("restart");
    assertThat(child(conn).text("close_action"))
        .as("nsvpn, not charon, starts a connection the peer closed")
        .contains("none");
    assertThat(
            map(site().forceUdpEncapsulation(true).build(), Backend.KERNEL_NETLINK).text("encap"))
        .contains("yes");
  }

  @Test
  void aeadProposalsNameTheirPrfAndSkipIntegrity() {
    IpsecSiteConnection connection =
        site()
            .ikePolicy(
                site()
                    .build()
                    .ikePolicy()
                    .withEncryption(EncryptionAlgorithm.AES_256_GCM_16)
                    .withIntegrity(IntegrityAlgorithm.SHA384)
                    .withDhGroup(DhGroup.GROUP20))
            .ipsecPolicy(
                site()
                    .build()
                    .ipsecPolicy()
                    .withEncryption(EncryptionAlgorithm.AES_128_CCM_12)
                    .withPfs(Optional.of(DhGroup.GROUP31)))
            .build();
    ViciSection conn = map(connection, Backend.KERNEL_NETLINK);
    assertThat(conn.texts("proposals")).containsExactly("aes256gcm16-prfsha384-ecp384");
    assertThat(child(conn).texts("esp_proposals")).containsExactly("aes128ccm12-curve25519");
  }

  private static org.nsvpn.chainrules.model.Certificate certificate(String name) {
    try (java.io.InputStream in =
        ConnectionMappingTest.class.getResourceAsStream("/certs/" + name)) {
      return org.nsvpn.chainrules.model.Certificate.parse("cert", in.readAllBytes());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aCertificateConnectionAuthenticatesByPublicKeyWithItsCertificateAsData() {
    org.nsvpn.chainrules.model.Certificate site = certificate("site.crt");
    org.nsvpn.chainrules.model.Certificate ca = certificate("ca.crt");
    IpsecSiteConnection connection =
        site()
            .peerId("C=CH, O=nsvpn test, CN=peer.example.org")
            .certificate(site, new org.nsvpn.chainrules.model.SecretRef("site-key"))
            .build();
    ViciSection conn = map(connection, Backend.KERNEL_NETLINK);
    ViciSection local = conn.section("local").orElseThrow();
    assertThat(local.text("auth")).contains("pubkey");
    assertThat(local.text("id"))
        .as("the subject, DER-encoded: charon compares DNs in the certificate's order")
        .contains("asn1dn:#" + java.util.HexFormat.of().formatHex(site.subjectDer()));
    assertThat(local.list("certs").orElseThrow().items().get(0).bytes()).isEqualTo(site.der());
    ViciSection remote = conn.section("remote").orElseThrow();
    assertThat(remote.text("auth")).contains("pubkey");
    assertThat(remote.text("id")).contains("C=CH, O=nsvpn test, CN=peer.example.org");

    IpsecSiteConnection bySan =
        connection.toBuilder().localId(java.util.Optional.of("site.example.org")).build();
    assertThat(map(bySan, Backend.KERNEL_NETLINK).section("local").orElseThrow().text("id"))
        .contains("site.example.org");

    VpnService trusting =
        SERVICE.withCaCertificates(List.of(ca), List.of("http://crl.example.org/ca.crl"));
    java.util.Map<String, ViciSection> authorities =
        ConnectionMapping.loadAuthorities(List.of(ConnectionSpec.of(trusting, connection)));
    String name = ConnectionMapping.authorityName(ca);
    assertThat(authorities).containsOnlyKeys(name);
    ViciSection authority = authorities.get(name).section(name).orElseThrow();
    assertThat(authority.value("cacert").orElseThrow().bytes()).isEqualTo(ca.der());
    assertThat(authority.texts("crl_uris")).containsExactly("http://crl.example.org/ca.crl");
    assertThat(
            ConnectionMapping.loadAuthorities(List.of(ConnectionSpec.of(trusting, site().build()))))
        .as("a PSK connection needs no authority")
        .isEmpty();

    ViciSection key =
        ConnectionMapping.loadKey(
            "-----BEGIN PRIVATE KEY-----".getBytes(StandardCharsets.US_ASCII));
    assertThat(key.text("type")).contains("any");
    assertThat(key.toString()).doesNotContain("PRIVATE");
  }

  @Test
  void algorithmsSpellLikeStrongSwan() {
    assertThat(ConnectionMapping.encryption(EncryptionAlgorithm.TRIPLE_DES)).isEqualTo("3des");
    assertThat(ConnectionMapping.encryption(EncryptionAlgorithm.AES_192_CTR))
        .isEqualTo("aes192ctr");
    assertThat(ConnectionMapping.encryption(EncryptionAlgorithm.AES_128_GCM_8))
        .isEqualTo("aes128gcm8");
    assertThat(ConnectionMapping.integrity(IntegrityAlgorithm.AES_XCBC)).isEqualTo("aesxcbc");
    assertThat(ConnectionMapping.prf(IntegrityAlgorithm.AES_CMAC)).isEqualTo("prfaescmac");
    assertThat(ConnectionMapping.dhGroup(DhGroup.GROUP2)).isEqualTo("modp1024");
    assertThat(ConnectionMapping.dhGroup(DhGroup.GROUP21)).isEqualTo("ecp521");
    for (DhGroup group : DhGroup.values()) {
      assertThat(ConnectionMapping.dhGroup(group)).isNotBlank();
    }
    for (EncryptionAlgorithm algorithm : EncryptionAlgorithm.values()) {
      assertThat(ConnectionMapping.encryption(algorithm))
          .matches("3des|aes(128|192|256)(ctr|ccm(8|12|16)|gcm(8|12|16))?");
    }
  }

  @Test
  void ikev1AhPfsReauthenticationAndResponderMapping() {
    IpsecSiteConnection connection =
        site()
            .localCidrs(IpSubnet.parse("10.1.0.0/24"))
            .localId(Optional.of("gw.example.org"))
            .peerId("@peer")
            .ikePolicy(
                site()
                    .build()
                    .ikePolicy()
                    .withVersion(IkeVersion.V1)
                    .withPhase1Mode(Phase1Mode.MAIN)
                    .withReauthenticate(true)
                    .withLifetime(Duration.ofSeconds(1000)))
            .ipsecPolicy(
                site()
                    .build()
                    .ipsecPolicy()
                    .withTransform(TransformProtocol.AH_ESP)
                    .withIntegrity(IntegrityAlgorithm.SHA1)
                    .withPfs(Optional.empty()))
            .dpd(
                new DeadPeerDetection(
                    DpdAction.DISABLED, Duration.ofSeconds(10), Duration.ofSeconds(20)))
            .initiator(Initiator.RESPONSE_ONLY)
            .build();
    ViciSection conn = map(connection, Backend.KERNEL_NETLINK);
    assertThat(conn.text("version")).contains("1");
    assertThat(conn.text("aggressive")).contains("no");
    assertThat(conn.text("reauth_time")).contains("900s");
    assertThat(conn.text("rekey_time")).contains("0s");
    assertThat(conn.text("keyingtries")).contains("1");
    assertThat(conn.text("dpd_delay")).contains("0s");
    assertThat(conn.section("local").orElseThrow().text("id")).contains("gw.example.org");
    assertThat(conn.section("remote").orElseThrow().text("id")).contains("@peer");
    ViciSection child = child(conn);
    assertThat(child.texts("esp_proposals")).containsExactly("aes256-sha1");
    assertThat(child.texts("ah_proposals")).containsExactly("sha1");
    assertThat(child.text("start_action")).contains("none");
    assertThat(child.text("dpd_action")).isEmpty();
  }

  @Test
  void sharedKeysAreSecretsOwnedByBothIdentities() {
    ConnectionSpec spec = ConnectionSpec.of(SERVICE, site().build());
    ViciSection shared =
        ConnectionMapping.loadShared(spec, "s3cret-psk".getBytes(StandardCharsets.UTF_8));
    assertThat(shared.text("id")).contains(ConnectionMapping.charonName(ID));
    assertThat(shared.text("type")).contains("IKE");
    assertThat(shared.texts("owners")).containsExactly("203.0.113.1", "198.51.100.7");
    assertThat(shared.value("data").orElseThrow().isSecret()).isTrue();
    assertThat(shared.text("data")).contains("s3cret-psk");
    assertThat(shared.toString()).doesNotContain("s3cret-psk");
    assertThatThrownBy(() -> ConnectionMapping.loadShared(spec, new byte[0]))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageStartingWith("psk:");
  }

  @Test
  void unsupportedCombinationsNameTheirField() {
    assertRejected(
        site()
            .ipsecPolicy(site().build().ipsecPolicy().withTransform(TransformProtocol.AH))
            .build(),
        Backend.KERNEL_LIBIPSEC,
        "transform");
    assertRejected(
        site()
            .ipsecPolicy(site().build().ipsecPolicy().withMode(EncapsulationMode.TRANSPORT))
            .build(),
        Backend.KERNEL_LIBIPSEC,
        "encapsulation-mode");
    assertRejected(
        site()
            .ipsecPolicy(site().build().ipsecPolicy().withMode(EncapsulationMode.TRANSPORT))
            .build(),
        Backend.KERNEL_NETLINK,
        "encapsulation-mode");
    assertRejected(
        site().ikePolicy(site().build().ikePolicy().withVersion(IkeVersion.V1)).build(),
        Backend.KERNEL_NETLINK,
        "local-cidrs");
    assertRejected(
        site()
            .dpd(
                new DeadPeerDetection(
                    DpdAction.RESTART_BY_PEER, Duration.ofSeconds(30), Duration.ofSeconds(120)))
            .build(),
        Backend.KERNEL_NETLINK,
        "dpd-action");
    assertRejected(
        site()
            .localCidrs(IpSubnet.parse("10.1.0.0/24"))
            .initiator(Initiator.RESPONSE_ONLY)
            .ikePolicy(
                site()
                    .build()
                    .ikePolicy()
                    .withVersion(IkeVersion.V1)
                    .withPhase1Mode(Phase1Mode.AGGRESSIVE))
            .build(),
        Backend.KERNEL_NETLINK,
        "phase1-mode");
    IpsecSiteConnection transportBetweenEndpoints =
        site()
            .localCidrs(IpSubnet.parse("203.0.113.1/32"))
            .peerCidrs(IpSubnet.parse("198.51.100.7/32"))
            .ipsecPolicy(site().build().ipsecPolicy().withMode(EncapsulationMode.TRANSPORT))
            .build();
    assertThat(child(map(transportBetweenEndpoints, Backend.KERNEL_NETLINK)).text("mode"))
        .contains("transport");
  }

  @Test
  void theLocalAddressAndThePeerMustBeOfOneFamily() {
    VpnService v6 =
        new VpnService(SERVICE.id(), "vpn", SERVICE.router(), IpAddress.parse("2001:db8::1"), true);
    assertThatThrownBy(() -> ConnectionSpec.of(v6, site().build()))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageStartingWith("peer-address:");
    VpnService other =
        new VpnService(
            VpnServiceId.random(), "other", SERVICE.router(), SERVICE.externalIp(), true);
    assertThatThrownBy(() -> ConnectionSpec.of(other, site().build()))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageStartingWith("vpn-service:");
  }

  private static void assertRejected(
      IpsecSiteConnection connection, Backend backend, String field) {
    assertThatThrownBy(() -> map(connection, backend))
        .isInstanceOfSatisfying(
            InvalidValueException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageStartingWith(field + ":");
  }
}
