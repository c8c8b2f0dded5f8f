package org.nsvpn.strongswan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.AuthMethod;
import org.nsvpn.chainrules.model.Certificate;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.SecretRef;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.status.ConnectionState;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.chainrules.status.ReasonCode;
import org.nsvpn.namespacemanager.testing.Ip;
import org.nsvpn.namespacemanager.testing.KernelResources;

/**
 * Certificate authentication against a stock strongSwan configured only by a swanctl.conf, with
 * certificates made by strongSwan's {@code pki}. Side A (nsvpn) holds a certificate of CA "one" and
 * trusts CA "one" only. Peer B answers three identities: b1 with a good certificate of CA one, b2
 * with an expired certificate of CA one, b3 with a certificate of CA "two". The peer trusts CA one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StrongSwanCertificateIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String A = "192.0.2.1";
  private static final String B = "192.0.2.2";
  private static final String A_ID = "a.example.org";

  private final Map<String, byte[]> keys = new ConcurrentHashMap<>();
  private Pki pki;
  private Certificate caOne;
  private Certificate localCertificate;
  private byte[] localKey;
  private VpnService service;
  private String nsA;
  private String nsB;
  private StockCharon peer;
  private StrongSwan strongSwan;
  private CharonInstance charon;

  @BeforeAll
  void buildTheLab() {
    new KernelResources().beforeAll(null);
    CharonFixture.requireCharon();
    pki = Pki.create();
    Path one = pki.ca("ca-one", "C=CH, O=nsvpn test, CN=CA one");
    Path two = pki.ca("ca-two", "C=CH, O=nsvpn test, CN=CA two");
    Path a = pki.issue("a", one, "C=CH, O=nsvpn test, CN=" + A_ID, A_ID, null, null);
    Path b1 =
        pki.issue("b1", one, "C=CH, O=nsvpn test, CN=b1.example.org", "b1.example.org", null, null);
    Path b2 =
        pki.issue(
            "b2",
            one,
            "C=CH, O=nsvpn test, CN=b2.example.org",
            "b2.example.org",
            "01.01.20 00:00:00",
            "01.01.21 00:00:00");
    Path b3 =
        pki.issue("b3", two, "C=CH, O=nsvpn test, CN=b3.example.org", "b3.example.org", null, null);
    caOne = Certificate.parse("ca", Pki.read(one));
    localCertificate = Certificate.parse("cert", Pki.read(a));
    localKey = Pki.read(Pki.keyOf(a));
    keys.put("key-a", localKey);
    service =
        new VpnService(
            VpnServiceId.random(),
            "vpn-a",
            RouterId.random(),
            IpAddress.parse(A),
            true,
            Optional.empty(),
            List.of(caOne),
            List.of());

    KernelResources cleanupOnInterrupt = new KernelResources();
    nsA = cleanupOnInterrupt.namespace(KernelResources.unique("ssc-a-"));
    nsB = cleanupOnInterrupt.namespace(KernelResources.unique("ssc-b-"));
    TunnelLab.build(nsA, A, nsB, B, 3);
    strongSwan =
        CharonFixture.service(
            StrongSwanConfig.defaults()
                .withStateRoot(CharonFixture.stateRoot())
                .withRetry(Duration.ofSeconds(1), Duration.ofSeconds(4)));
    Backend backend = strongSwan.backend().join();
    peer = StockCharon.start(nsB, backend);
    List<Path> peerCerts = List.of(b1, b2, b3);
    peer.loadAll(peerConfig(backend, peerCerts), peerCredentials(one, peerCerts));
  }

  /**
   * The peer's swanctl directory: certificates in x509, the CA in x509ca, keys in private; the
   * connections name their certificates by file name.
   */
  private static Path peerCredentials(Path ca, List<Path> certs) {
    try {
      Path dir = Files.createDirectories(CharonFixture.stateRoot().resolve("swanctl"));
      for (String sub : List.of("x509", "x509ca", "private")) {
        Files.createDirectories(dir.resolve(sub));
      }
      Files.copy(ca, dir.resolve("x509ca").resolve(ca.getFileName()));
      for (Path cert : certs) {
        Files.copy(cert, dir.resolve("x509").resolve(cert.getFileName()));
        Path key = Pki.keyOf(cert);
        Files.copy(key, dir.resolve("private").resolve(key.getFileName()));
      }
      return dir;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String peerConfig(Backend backend, List<Path> certs) {
    StringBuilder conf = new StringBuilder("connections {\n");
    for (int n = 1; n <= certs.size(); n++) {
      conf.append(
          """
            site%1$d {
              version = 2
              local_addrs = %2$s
              remote_addrs = %3$s
              encap = %4$s
              proposals = aes256-sha256-modp2048
              local {
                auth = pubkey
                id = b%1$d.example.org
                certs = %5$s
              }
              remote {
                auth = pubkey
                id = %6$s
              }
              children {
                site%1$d {
                  local_ts = 10.2.%1$d.0/24
                  remote_ts = 10.1.%1$d.0/24
                  esp_proposals = aes256-sha256-modp2048
                  start_action = none
                }
              }
            }
          """
              .formatted(
                  n,
                  B,
                  A,
                  backend == Backend.KERNEL_LIBIPSEC ? "yes" : "no",
                  certs.get(n - 1).getFileName(),
                  A_ID));
    }
    return conf.append("}\n").toString();
  }

  @AfterAll
  void tearDownTheLab() {
    try {
      CharonFixture.cleanUp();
      Ip.exec("ip", "netns", "del", nsA);
      Ip.exec("ip", "netns", "del", nsB);
    } finally {
      if (pki != null) {
        pki.close();
      }
    }
  }

  @BeforeEach
  void startSideA() {
    charon = await(strongSwan.startOrAdopt(nsA));
  }

  @AfterEach
  void stopSideA() {
    if (charon.state() == InstanceState.RUNNING) {
      await(charon.stop());
    }
  }

  private IpsecSiteConnection connection(int n) {
    return IpsecSiteConnection.builder()
        .id(IpsecSiteConnectionId.random())
        .vpnService(service.id())
        .name("site-" + n)
        .peerAddress(IpAddress.parse(B))
        .peerId("b" + n + ".example.org")
        .localId(Optional.of(A_ID))
        .localCidrs(IpSubnet.parse("10.1." + n + ".0/24"))
        .peerCidrs(IpSubnet.parse("10.2." + n + ".0/24"))
        .certificate(localCertificate, new SecretRef("key-a"))
        .build();
  }

  private List<ConnectionSpec> specs(IpsecSiteConnection... connections) {
    return Stream.of(connections).map(c -> ConnectionSpec.of(service, c)).toList();
  }

  private PresharedKeys store() {
    return ref -> keys.get(ref.name()).clone();
  }

  private ConnectionStatus awaitState(IpsecSiteConnection c, ConnectionState state) {
    try {
      Awaitility.await(c.name() + " " + state.text())
          .atMost(WAIT)
          .until(
              () ->
                  Optional.ofNullable(charon.status().get(c.id()))
                      .map(s -> s.state() == state)
                      .orElse(false));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          e.getMessage()
              + "; status "
              + charon.status().get(c.id())
              + "; peer's log:\n"
              + tail(peer.log())
              + "\nA's log:\n"
              + tail(aLog()),
          e);
    }
    return charon.status().get(c.id());
  }

  private static String tail(String log) {
    List<String> lines = log.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  private static <T> T await(CompletableFuture<T> future) {
    return future.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
  }

  @Test
  void aCertificateTunnelComesUpAndCarriesTraffic() {
    IpsecSiteConnection site = connection(1);
    assertThat(site.auth()).isEqualTo(AuthMethod.CERT);
    ApplyResult result = await(charon.apply(specs(site), store()));
    assertThat(result.failed()).isEmpty();
    assertThat(result.keysReloaded()).containsExactly(site.id());

    ConnectionStatus up = awaitState(site, ConnectionState.UP);
    assertThat(up.reason()).isEmpty();
    assertThat(up.currentIkeSa().orElseThrow().remoteId()).isEqualTo("b1.example.org");
    assertThat(peer.swanctl("--list-sas").stdout())
        .as("the peer authenticated this side by its certificate's identity")
        .contains(A_ID);
    assertThat(peer.swanctl("--list-authorities").ok()).isTrue();
    assertThat(aSwanctl("--list-authorities"))
        .as("charon trusts the service's CA, loaded over VICI")
        .contains("CN=CA one")
        .doesNotContain("CA two");

    Ip.Result ping = TunnelLab.ping(nsA, 3, 56);
    assertThat(ping.ok()).as("ping through the tunnel: %s", ping.stdout()).isTrue();
  }

  @Test
  void anExpiredPeerCertificateIsAnAuthenticationFailure() {
    IpsecSiteConnection site = connection(2);
    await(charon.apply(specs(site), store()));
    ConnectionStatus failed = awaitState(site, ConnectionState.ERROR);
    assertThat(failed.reason().orElseThrow().code()).isEqualTo(ReasonCode.AUTHENTICATION_FAILED);
    assertThat(failed.reason().orElseThrow().text())
        .as("the reason says which end refused, and what to check")
        .contains("this side refused the peer's credentials")
        .contains("valid now")
        .contains("b2.example.org");
    Awaitility.await("charon's log says why")
        .atMost(WAIT)
        .until(() -> aLog().contains("subject certificate invalid (valid from"));
  }

  @Test
  void aPeerCertificateOfAnotherCaIsAnAuthenticationFailure() {
    IpsecSiteConnection site = connection(3);
    await(charon.apply(specs(site), store()));
    ConnectionStatus failed = awaitState(site, ConnectionState.ERROR);
    assertThat(failed.reason().orElseThrow().code()).isEqualTo(ReasonCode.AUTHENTICATION_FAILED);
    assertThat(failed.reason().orElseThrow().text())
        .contains("this side refused the peer's credentials")
        .contains("issued by one of the service's CA certificates");
  }

  @Test
  void removingTheLastCertificateConnectionUnloadsItsKeyAndItsAuthorities() {
    IpsecSiteConnection site = connection(1);
    await(charon.apply(specs(site), store()));
    awaitState(site, ConnectionState.UP);
    assertThat(aSwanctl("--list-authorities")).contains("CN=CA one");
    assertThat(aSwanctl("--list-certs")).contains("has private key");

    await(charon.apply(List.of(), store()));
    assertThat(aSwanctl("--list-authorities")).doesNotContain("CN=CA one");
    assertThat(aSwanctl("--list-certs")).doesNotContain("has private key");
  }

  @Test
  void anAdoptedCharonKeepsItsSasAndDropsTheKeyAndCasThatNoConnectionNeedsAnyMore() {
    IpsecSiteConnection site = connection(1);
    await(charon.apply(specs(site), store()));
    ConnectionStatus up = awaitState(site, ConnectionState.UP);
    long pid = charon.pid();

    // A new handle (as after an agent restart) knows nothing of what the old one loaded.
    charon.close();
    charon = await(CharonFixture.service(strongSwan.config()).startOrAdopt(nsA));
    assertThat(charon.adopted()).isTrue();
    assertThat(charon.pid()).isEqualTo(pid);
    ApplyResult again = await(charon.apply(specs(site), store()));
    assertThat(again.failed()).isEmpty();
    ConnectionStatus kept = await(charon.refresh()).get(site.id());
    assertThat(kept.state()).isEqualTo(ConnectionState.UP);
    assertThat(kept.currentIkeSa().orElseThrow().uniqueId())
        .as("re-asserting the same configuration keeps the SA")
        .isEqualTo(up.currentIkeSa().orElseThrow().uniqueId());

    charon.close();
    charon = await(CharonFixture.service(strongSwan.config()).startOrAdopt(nsA));
    await(charon.apply(List.of(), store()));
    assertThat(aSwanctl("--list-authorities"))
        .as("the authority loaded by an earlier handle is gone")
        .doesNotContain("CN=CA one");
    assertThat(aSwanctl("--list-certs")).doesNotContain("has private key");
  }

  @Test
  void theKeyIsNeitherOnDiskNorInArgumentsNorInTheLogs() throws Exception {
    IpsecSiteConnection site = connection(1);
    await(charon.apply(specs(site), store()));
    awaitState(site, ConnectionState.UP);
    KeyMaterial key = KeyMaterial.ofPem(localKey);
    assertThat(key.in(localKey)).as("sanity: the search finds the key where it is").isTrue();
    assertThat(key.filesUnder(charon.directory()))
        .as("files of charon's instance (its log included) holding the key")
        .isEmpty();
    assertThat(key.inProcesses()).as("argv or environments holding the key").isEmpty();
  }

  private String aSwanctl(String command) {
    Ip.Result result =
        Ip.exec(
            "swanctl",
            command,
            "--uri",
            "unix://" + charon.directory().resolve(CharonConf.VICI_SOCKET));
    assertThat(result.ok()).as("swanctl %s: %s", command, result.stderr()).isTrue();
    return result.stdout();
  }

  private String aLog() {
    try {
      return Files.readString(charon.directory().resolve(CharonConf.LOG));
    } catch (IOException e) {
      return e.toString();
    }
  }
}
