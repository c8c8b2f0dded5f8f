package org.nsvpn.chainrules.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;

/** Certificates made with strongSwan's pki (test resources under certs/, valid until 2046). */
class CertificateTest {

  static byte[] resource(String name) {
    try (InputStream in = CertificateTest.class.getResourceAsStream("/certs/" + name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final Certificate CA = Certificate.parse("ca", resource("ca.crt"));
  private static final Certificate SITE = Certificate.parse("cert", resource("site.crt"));

  @Test
  void readsTheFactsNsvpnUses() {
    assertThat(SITE.subject()).isEqualTo("CN=site.example.org,O=nsvpn test,C=CH");
    assertThat(SITE.issuer()).isEqualTo("CN=Test CA,O=nsvpn test,C=CH");
    assertThat(SITE.subjectAltNames()).containsExactly("site.example.org", "192.0.2.10");
    assertThat(SITE.isCa()).isFalse();
    assertThat(CA.isCa()).isTrue();
    assertThat(SITE.notAfter()).isAfter(SITE.notBefore());
    assertThat(SITE.fingerprint()).hasSize(64);
    assertThat(SITE.toString()).startsWith("CN=site.example.org").doesNotContain("BEGIN");
  }

  @Test
  void warnsThirtyDaysBeforeExpiry() {
    java.time.Instant end = SITE.notAfter();
    assertThat(SITE.needsRenewal(end.minus(java.time.Duration.ofDays(31)))).isFalse();
    assertThat(SITE.needsRenewal(end.minus(java.time.Duration.ofDays(30)))).isTrue();
    assertThat(SITE.hasExpired(end)).isFalse();
    assertThat(SITE.hasExpired(end.plusSeconds(1))).isTrue();
    assertThat(SITE.needsRenewal(end.plusSeconds(1))).isTrue();
  }

  @Test
  void pemAndDerReadBackEqual() {
    assertThat(Certificate.fromPem("cert", SITE.pem())).isEqualTo(SITE);
    assertThat(Certificate.parse("cert", SITE.der())).isEqualTo(SITE).hasSameHashCodeAs(SITE);
    assertThat(SITE).isNotEqualTo(CA);
  }

  @Test
  void aBundleHoldsSeveralCertificates() {
    byte[] bundle = (CA.pem() + SITE.pem()).getBytes(StandardCharsets.US_ASCII);
    assertThat(Certificate.parseAll("ca-certificates", bundle)).containsExactly(CA, SITE);
    assertThatThrownBy(() -> Certificate.parse("local-certificate", bundle))
        .hasMessageStartingWith("local-certificate:")
        .hasMessageContaining("exactly one");
  }

  @Test
  void refusesWhatIsNotACertificate() {
    assertThatThrownBy(() -> Certificate.parse("local-certificate", resource("site.key")))
        .hasMessageStartingWith("local-certificate: invalid value")
        .hasMessageContaining("not a PEM or DER X.509 certificate")
        .hasMessageNotContaining("PRIVATE");
    assertThatThrownBy(() -> Certificate.parse("local-certificate", new byte[0]))
        .hasMessageContaining("no certificate given");
  }

  @Test
  void matchesIdentitiesBySubjectInEitherOrderOrBySubjectAltName() {
    assertThat(SITE.matchesIdentity("site.example.org")).isTrue();
    assertThat(SITE.matchesIdentity("SITE.example.org")).isTrue();
    assertThat(SITE.matchesIdentity("192.0.2.10")).isTrue();
    assertThat(SITE.matchesIdentity("CN=site.example.org, O=nsvpn test, C=CH")).isTrue();
    assertThat(SITE.matchesIdentity("C=CH, O=nsvpn test, CN=site.example.org")).isTrue();
    assertThat(SITE.matchesIdentity("C=CH, O=nsvpn test, CN=other.example.org")).isFalse();
    assertThat(SITE.matchesIdentity("other.example.org")).isFalse();
  }

  @Test
  void aConnectionsLocalIdMustNameItsCertificate() {
    IpsecSiteConnection.Builder builder =
        IpsecSiteConnection.builder()
            .id(IpsecSiteConnectionId.random())
            .vpnService(VpnServiceId.random())
            .name("site")
            .peerAddress(IpAddress.parse("198.51.100.2"))
            .peerId("peer.example.org")
            .localCidrs(IpSubnet.parse("10.1.0.0/24"))
            .peerCidrs(IpSubnet.parse("10.2.0.0/24"))
            .certificate(SITE, new SecretRef("site-key"));
    IpsecSiteConnection byCert = builder.build();
    assertThat(byCert.auth()).isEqualTo(AuthMethod.CERT);
    assertThat(byCert.effectiveLocalId("192.0.2.1")).isEqualTo(SITE.subject());
    assertThat(builder.localId(Optional.of("site.example.org")).build().localId()).isPresent();
    assertThatThrownBy(() -> builder.localId(Optional.of("elsewhere.example.org")).build())
        .hasMessageStartingWith("local-id: invalid value 'elsewhere.example.org'")
        .hasMessageContaining("local certificate");
    IpsecSiteConnection byPsk = builder.localId(Optional.empty()).psk(new SecretRef("k")).build();
    assertThat(byPsk.auth()).isEqualTo(AuthMethod.PSK);
    assertThat(byPsk.localCertificate()).isEmpty();
    assertThat(byPsk.effectiveLocalId("192.0.2.1")).isEqualTo("192.0.2.1");
  }

  @Test
  void aServiceTrustsOnlyCaCertificatesAndTakesCrlUris() {
    VpnService service =
        new VpnService(
            VpnServiceId.random(),
            "vpn",
            RouterId.random(),
            IpAddress.parse("192.0.2.1"),
            true,
            Optional.empty(),
            List.of(CA),
            List.of("http://crl.example.org/ca.crl"));
    assertThat(service.caCertificates()).containsExactly(CA);
    assertThat(service.withAdminStateUp(false).caCertificates()).containsExactly(CA);
    assertThatThrownBy(() -> service.withCaCertificates(List.of(SITE), List.of()))
        .hasMessageStartingWith("ca-certificates: invalid value 'CN=site.example.org")
        .hasMessageContaining("is not a CA certificate");
    assertThatThrownBy(() -> service.withCaCertificates(List.of(CA, CA), List.of()))
        .hasMessageContaining("listed twice");
    assertThatThrownBy(() -> service.withCaCertificates(List.of(CA), List.of("gopher://x")))
        .hasMessageStartingWith("crl-uris: invalid value 'gopher://x'");
  }
}
