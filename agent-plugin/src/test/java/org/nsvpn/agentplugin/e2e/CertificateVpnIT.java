package org.nsvpn.agentplugin.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nsvpn.chainrules.model.AuthMethod;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.status.ConnectionState;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.chainrules.status.ReasonCode;
import org.nsvpn.namespacemanager.testing.KernelResources;
import org.nsvpn.strongswan.Backend;
import org.nsvpn.strongswan.CharonFixture;
import org.nsvpn.strongswan.KeyMaterial;
import org.nsvpn.strongswan.Pki;
import org.nsvpn.strongswan.StockCharon;
import org.nsvpn.topology.ObjectKind;

/**
 * Certificate authentication end to end, configured as an operator does it: the agent as a process,
 * the demo's topology ({@link VpnTestbed}), nsvpn-cli (a process of its own) giving VPN service A
 * its CA and connection a-to-c its certificate and key from files, and site C a stock strongSwan
 * configured by a swanctl.conf, with certificates made by strongSwan's pki. VM A pings site C
 * through the tunnel; the key is then looked for everywhere it must not be.
 */
class CertificateVpnIT {
  private static final Duration TUNNEL = Duration.ofSeconds(60);
  private static final String A_ID = "vpn-a.example.org";
  private static final String C_ID = "site-c.example.org";

  @RegisterExtension final KernelResources kernel = new KernelResources();

  private AgentBed run;
  private Path state;
  private Pki pki;
  private VpnTestbed bed;
  private AgentProcess agent;
  private StockCharon siteC;

  @BeforeEach
  void start(TestInfo test) throws IOException {
    pki = Pki.create();
    run = AgentBed.start(kernel, test.getTestMethod().orElseThrow().getName());
    bed = run.bed;
    agent = run.agent;
    state = run.state;
  }

  @AfterEach
  void stop() {
    try {
      if (siteC != null) {
        siteC.stop();
      }
      if (run != null) {
        run.close();
      }
    } finally {
      if (pki != null) {
        pki.close();
      }
    }
  }

  /**
   * Site C's swanctl directory and configuration: its certificate, the CA, and connection to-a; a
   * site C already running is stopped first, so that the next IKE SA presents {@code cert}.
   */
  private void startSiteC(Path ca, Path cert) throws IOException {
    if (siteC != null) {
      siteC.stop();
      siteC = null;
    }
    Path dir = Files.createDirectories(CharonFixture.stateRoot().resolve("swanctl"));
    for (String sub : List.of("x509", "x509ca", "private")) {
      Files.createDirectories(dir.resolve(sub));
    }
    Files.copy(ca, dir.resolve("x509ca/ca.crt"));
    Files.copy(cert, dir.resolve("x509/c.crt"));
    Files.copy(Pki.keyOf(cert), dir.resolve("private/c.key"));
    siteC = StockCharon.start(bed.siteC, Backend.KERNEL_LIBIPSEC);
    siteC.loadAll(
        bed.siteCConfig(
            "auth = pubkey\n certs = c.crt\n id = " + C_ID, "auth = pubkey\n id = " + A_ID, ""),
        dir);
  }

  /**
   * Connection a-to-c of service A to site C, authenticated by certificate {@code cert} and its key
   * (both from files), added with nsvpn-cli as an operator does.
   */
  private IpsecSiteConnection addConnectionToC(Path cert) {
    E2eOracles.cli(
        agent,
        "vpn-service vpnA add ipsec-site-connection name a-to-c peer-address 203.0.113.30"
            + " peer-id "
            + C_ID
            + " local-id "
            + A_ID
            + " local-cidrs 10.1.0.0/24 peer-cidrs 10.3.0.0/24 force-udp-encapsulation true"
            + " auth cert certificate file:"
            + cert
            + " private-key file:"
            + Pki.keyOf(cert));
    return connectionNamed("a-to-c");
  }

  private IpsecSiteConnection connectionNamed(String name) {
    return agent.store().refresh().list(ObjectKind.CONNECTION).stream()
        .map(v -> v.value())
        .filter(x -> x.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private ConnectionStatus awaitState(IpsecSiteConnection c, ConnectionState state) {
    await(c.name() + " " + state)
        .atMost(TUNNEL)
        .until(
            () ->
                agent
                        .store()
                        .status()
                        .connectionStatus(c.id())
                        .map(r -> r.status().state())
                        .orElse(null)
                    == state);
    return agent.store().status().connectionStatus(c.id()).orElseThrow().status();
  }

  /** The log of service A's charon (the agent's run directory keeps one per namespace). */
  private String charonLog() throws IOException {
    Path log = state.resolve("run/charon/" + VpnTestbed.namespaceOf(bed.serviceA) + "/charon.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  /**
   * Waits until what charon logs after {@code before} (a former {@link #charonLog()}) has {@code
   * cause}.
   */
  private void awaitLogged(String before, String cause) {
    await("charon's log: " + cause)
        .atMost(TUNNEL)
        .until(() -> charonLog().substring(before.length()).contains(cause));
  }

  /**
   * Site C presents, in turn, an expired certificate of the trusted CA, a certificate of another
   * CA, and one the trusted CA revoked in the CRL that the service names by a file URI: each is an
   * authentication failure of this side, with a reason saying what to check, and charon's log says
   * which. The operator takes the connection down and up between them (a new IKE SA). A valid
   * certificate then brings the tunnel up: the refusals were the certificates'.
   */
  @Test
  void expiredOtherCaAndRevokedPeerCertificatesAreAuthenticationFailures() throws Exception {
    Path ca = pki.ca("ca", "C=CH, O=nsvpn e2e, CN=e2e CA");
    Path rogue = pki.ca("rogue", "C=CH, O=rogue, CN=rogue CA");
    Path a = pki.issue("a", ca, "C=CH, O=nsvpn e2e, CN=" + A_ID, A_ID, null, null);
    String cDn = "C=CH, O=nsvpn e2e, CN=" + C_ID;
    Path expired = pki.issue("c-expired", ca, cDn, C_ID, "01.01.20 00:00:00", "01.01.21 00:00:00");
    Path ofRogue = pki.issue("c-rogue", rogue, cDn, C_ID, null, null);
    Path revoked = pki.issue("c-revoked", ca, cDn, C_ID, null, null);
    Path valid = pki.issue("c-valid", ca, cDn, C_ID, null, null);
    Path crl = pki.crl("ca", ca, revoked);

    startSiteC(ca, expired);
    String log = charonLog();
    agent.store().commit(bed.topology(agent.hostId().orElseThrow(), false));
    E2eOracles.cli(agent, "vpn-service vpnA set ca-certificates file:" + ca);
    E2eOracles.cli(agent, "vpn-service vpnA set crl-uris file://" + crl);
    IpsecSiteConnection aToC = addConnectionToC(a);

    ConnectionStatus failed = awaitState(aToC, ConnectionState.ERROR);
    assertThat(failed.reason().orElseThrow().code()).isEqualTo(ReasonCode.AUTHENTICATION_FAILED);
    assertThat(failed.reason().orElseThrow().text())
        .contains("this side refused the peer's credentials")
        .contains("valid now");
    awaitLogged(log, "subject certificate invalid (valid from");
    assertThat(E2eOracles.showStatus(agent, "vpnA")).contains("authentication-failed");

    List<Path> refused = List.of(ofRogue, revoked);
    List<String> why = List.of("no issuer certificate found", "certificate was revoked");
    for (int i = 0; i < refused.size(); i++) {
      E2eOracles.cli(agent, "ipsec-site-connection vpnA:a-to-c set state down");
      awaitState(aToC, ConnectionState.DOWN);
      startSiteC(ca, refused.get(i));
      log = charonLog();
      E2eOracles.cli(agent, "ipsec-site-connection vpnA:a-to-c set state up");
      failed = awaitState(aToC, ConnectionState.ERROR);
      assertThat(failed.reason().orElseThrow().code())
          .as("with %s", refused.get(i).getFileName())
          .isEqualTo(ReasonCode.AUTHENTICATION_FAILED);
      assertThat(failed.reason().orElseThrow().text())
          .contains("this side refused the peer's credentials");
      awaitLogged(log, why.get(i));
    }

    E2eOracles.cli(agent, "ipsec-site-connection vpnA:a-to-c set state down");
    awaitState(aToC, ConnectionState.DOWN);
    startSiteC(ca, valid);
    E2eOracles.cli(agent, "ipsec-site-connection vpnA:a-to-c set state up");
    awaitState(aToC, ConnectionState.UP);
    await("VM A reaches site C")
        .atMost(TUNNEL)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> VpnTestbed.ping(bed.vmA, "10.3.0.1").ok());
  }

  @Test
  void aTunnelAuthenticatedByCertificatesCarriesTrafficAndTheKeyStaysSecret() throws Exception {
    Path ca = pki.ca("ca", "C=CH, O=nsvpn e2e, CN=e2e CA");
    Path a = pki.issue("a", ca, "C=CH, O=nsvpn e2e, CN=" + A_ID, A_ID, null, null);
    Path c = pki.issue("c", ca, "C=CH, O=nsvpn e2e, CN=" + C_ID, C_ID, null, null);
    byte[] key = Files.readAllBytes(Pki.keyOf(a));
    assertThat(Files.getPosixFilePermissions(Pki.keyOf(a)))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    startSiteC(ca, c);
    agent.store().commit(bed.topology(agent.hostId().orElseThrow(), false));

    E2eOracles.cli(agent, "vpn-service vpnA set ca-certificates file:" + ca);
    IpsecSiteConnection aToC = addConnectionToC(a);
    assertThat(aToC.auth()).isEqualTo(AuthMethod.CERT);

    await("VM A reaches site C")
        .atMost(TUNNEL)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> VpnTestbed.ping(bed.vmA, "10.3.0.1").ok());
    ConnectionStatus up = awaitState(aToC, ConnectionState.UP);
    assertThat(up.currentIkeSa().orElseThrow().remoteId()).isEqualTo(C_ID);
    assertThat(siteC.swanctl("--list-sas").stdout()).contains(A_ID);

    String status = E2eOracles.showStatus(agent, "vpnA");
    assertThat(status)
        .contains("auth cert")
        .contains("certificate CN=" + A_ID)
        .doesNotContain("warning certificate");
    Map<String, Double> metrics = E2eOracles.metrics(state);
    Map<String, String> labels =
        Map.of("service", "vpnA", "connection", "a-to-c", "peer", "203.0.113.30");
    assertThat(metrics.get(E2eOracles.sample("nsvpn_ipsec_certificate_expiry_seconds", labels)))
        .as("pki's default: 365 days")
        .isBetween(364 * 86400.0, 365 * 86400.0);
    assertThat(metrics.get(E2eOracles.sample("nsvpn_ipsec_certificate_renewal_due", labels)))
        .isEqualTo(0.0);

    // The key is a secret of the store: ZooKeeper's own files hold it (as they hold PSKs), in a
    // directory only its owner can enter. Nothing else on disk has it, nor any argv.
    KeyMaterial material = KeyMaterial.ofPem(key);
    assertThat(material.filesUnder(state))
        .as("files holding key material (the agent's log and charon's included)")
        .isNotEmpty()
        .allSatisfy(p -> assertThat(state.relativize(p).toString()).startsWith("zookeeper"));
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(state.resolve("zookeeper"))))
        .as("ZooKeeper's data directory is its owner's")
        .isEqualTo("rwx------");
    assertThat(material.inProcesses()).as("argv or environments holding key material").isEmpty();
  }
}
