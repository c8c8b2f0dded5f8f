package org.nsvpn.strongswan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
import org.nsvpn.chainrules.model.DeadPeerDetection;
import org.nsvpn.chainrules.model.DhGroup;
import org.nsvpn.chainrules.model.DpdAction;
import org.nsvpn.chainrules.model.EncryptionAlgorithm;
import org.nsvpn.chainrules.model.IntegrityAlgorithm;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.SecretRef;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.status.ChildSaStatus;
import org.nsvpn.chainrules.status.ConnectionState;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.chainrules.status.IkeSaStatus;
import org.nsvpn.chainrules.status.ReasonCode;
import org.nsvpn.chainrules.status.SaCounters;
import org.nsvpn.namespacemanager.testing.Ip;
import org.nsvpn.namespacemanager.testing.KernelResources;

/**
 * A real tunnel between two namespaces joined by a veth: side A is nsvpn's (started, configured and
 * watched through {@link StrongSwan}), side B a stock strongSwan configured only by a swanctl.conf
 * file and {@code swanctl --load-all}. Each side has protected subnets on a dummy interface:
 * 10.1.N.0/24 on A and 10.2.N.0/24 on B for connection N.
 *
 * <p>B's connections: 1 and 2 are good; 3 has another PSK than A uses; 4 accepts only other ESP
 * proposals; 6 accepts only other traffic selectors. A's connection 5 proposes IKE algorithms none
 * of B's connections accepts, and A's connection 7 points at an address where nothing answers.
 * Every reason a connection can be down for that a peer causes is produced here, by the fault.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StrongSwanTunnelIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String A = "192.0.2.1";
  private static final String B = "192.0.2.2";

  /** On A's segment, and nothing answers there. */
  private static final String NOBODY = "192.0.2.3";

  /** Retries after failures: 1 s, doubling up to 4 s (the product's default starts at 5 s). */
  private static final Duration RETRY_MIN = Duration.ofSeconds(1);

  private static final VpnService SERVICE =
      new VpnService(VpnServiceId.random(), "vpn-a", RouterId.random(), IpAddress.parse(A), true);
  private static final Map<String, String> KEYS = new ConcurrentHashMap<>();

  private String nsA;
  private String nsB;
  private StockCharon peer;
  private StrongSwan service;
  private CharonInstance charon;
  private Recorder recorder;

  @BeforeAll
  void buildTheLab() {
    new KernelResources().beforeAll(null);
    CharonFixture.requireCharon();
    KernelResources cleanupOnInterrupt = new KernelResources();
    nsA = cleanupOnInterrupt.namespace(KernelResources.unique("sst-a-"));
    nsB = cleanupOnInterrupt.namespace(KernelResources.unique("sst-b-"));
    TunnelLab.build(nsA, A, nsB, B, 7);
    service =
        CharonFixture.service(
            StrongSwanConfig.defaults()
                .withStateRoot(CharonFixture.stateRoot())
                .withRetry(RETRY_MIN, RETRY_MIN.multipliedBy(4)));
    Backend backend = service.backend().join();
    KEYS.put("psk-1", "first-site-secret-6f1c");
    KEYS.put("psk-2", "second-site-secret-93ab");
    KEYS.put("psk-3", "not-what-the-peer-has-2d7e");
    KEYS.put("psk-4", "fourth-site-secret-c0de");
    KEYS.put("psk-5", "fifth-site-secret-55aa");
    KEYS.put("psk-6", "sixth-site-secret-6a6a");
    KEYS.put("psk-7", "seventh-site-secret-7b7b");
    peer = StockCharon.start(nsB, backend);
    peer.loadAll(peerConfig(backend));
  }

  private static String peerConfig(Backend backend) {
    StringBuilder conf = new StringBuilder("connections {\n");
    String good = "aes256-sha256-modp2048, aes128-sha256-modp2048";
    for (int n : List.of(1, 2, 3, 4, 6)) {
      conf.append(
          """
            site%1$d {
              version = 2
              local_addrs = %2$s
              remote_addrs = %3$s
              encap = %4$s
              proposals = aes256-sha256-modp2048, aes128-sha256-modp2048
              local {
                auth = psk
                id = b%1$d.example.org
              }
              remote {
                auth = psk
                id = a%1$d.example.org
              }
              children {
                site%1$d {
                  local_ts = 10.2.%1$d.0/24
                  remote_ts = %6$s
                  esp_proposals = %5$s
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
                  n == 4 ? "aes128-sha1-modp1024" : good,
                  n == 6 ? "10.9.6.0/24" : "10.1." + n + ".0/24"));
    }
    conf.append("}\nsecrets {\n");
    for (int n : List.of(1, 2, 3, 4, 6)) {
      String secret = n == 3 ? "the-peer-has-this-one-41f0" : KEYS.get("psk-" + n);
      conf.append(
          """
            ike-%1$d {
              id-a = a%1$d.example.org
              id-b = b%1$d.example.org
              secret = "%2$s"
            }
          """
              .formatted(n, secret));
    }
    return conf.append("}\n").toString();
  }

  @AfterAll
  void tearDownTheLab() {
    CharonFixture.cleanUp();
    Ip.exec("ip", "netns", "del", nsA);
    Ip.exec("ip", "netns", "del", nsB);
  }

  @BeforeEach
  void startSideA() {
    charon = await(service.startOrAdopt(nsA));
    recorder = new Recorder();
    charon.addListener(recorder);
  }

  @AfterEach
  void stopSideA() {
    if (charon.state() == InstanceState.RUNNING) {
      await(charon.stop());
    }
  }

  private static IpsecSiteConnection connection(int n) {
    return IpsecSiteConnection.builder()
        .id(IpsecSiteConnectionId.random())
        .vpnService(SERVICE.id())
        .name("site-" + n)
        .peerAddress(IpAddress.parse(n == 7 ? NOBODY : B))
        .peerId("b" + n + ".example.org")
        .localId(Optional.of("a" + n + ".example.org"))
        .localCidrs(IpSubnet.parse("10.1." + n + ".0/24"))
        .peerCidrs(IpSubnet.parse("10.2." + n + ".0/24"))
        .psk(new SecretRef("psk-" + n))
        .build();
  }

  /** Dead peer detection after {@code interval}, the peer dead after {@code timeout}. */
  private static IpsecSiteConnection withDpd(IpsecSiteConnection c, int interval, int timeout) {
    return c.toBuilder()
        .dpd(
            new DeadPeerDetection(
                DpdAction.RESTART, Duration.ofSeconds(interval), Duration.ofSeconds(timeout)))
        .build();
  }

  private static List<ConnectionSpec> specs(IpsecSiteConnection... connections) {
    return Stream.of(connections).map(c -> ConnectionSpec.of(SERVICE, c)).toList();
  }

  private static final PresharedKeys STORE =
      ref -> KEYS.get(ref.name()).getBytes(StandardCharsets.UTF_8);

  private ConnectionStatus awaitState(IpsecSiteConnection c, ConnectionState state) {
    Awaitility.await(c.name() + " " + state.text())
        .atMost(WAIT)
        .until(
            () ->
                Optional.ofNullable(charon.status().get(c.id()))
                    .map(s -> s.state() == state)
                    .orElse(false));
    return charon.status().get(c.id());
  }

  private ConnectionStatus awaitReason(IpsecSiteConnection c, ReasonCode code) {
    Awaitility.await(c.name() + " " + code.text())
        .atMost(WAIT)
        .until(
            () ->
                Optional.ofNullable(charon.status().get(c.id()))
                    .flatMap(ConnectionStatus::reason)
                    .map(r -> r.code() == code)
                    .orElse(false));
    return charon.status().get(c.id());
  }

  private static <T> T await(CompletableFuture<T> future) {
    return future.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
  }

  private static ChildSaStatus child(ConnectionStatus status) {
    return status.currentChildSa().orElseThrow();
  }

  @Test
  void theTunnelComesUpCarriesTrafficAndCountsIt() {
    IpsecSiteConnection site = connection(1);
    ApplyResult result = await(charon.apply(specs(site), STORE));
    assertThat(result.loaded()).containsExactly(site.id());
    assertThat(result.keysReloaded()).containsExactly(site.id());
    assertThat(result.initiated()).containsExactly(site.id());
    assertThat(result.failed()).isEmpty();

    ConnectionStatus up = awaitState(site, ConnectionState.UP);
    assertThat(up.reason()).isEmpty();
    IkeSaStatus ike = up.currentIkeSa().orElseThrow();
    assertThat(ike.initiatorSpi()).isNotZero();
    assertThat(ike.responderSpi()).isNotZero();
    assertThat(ike.remoteId()).isEqualTo("b1.example.org");
    assertThat(ike.remoteAddress().toString()).isEqualTo(B);
    assertThat(ike.proposal().orElseThrow().toString())
        .contains("AES_CBC-256")
        .contains("MODP_2048");
    ChildSaStatus child = child(up);
    assertThat(child.localTs()).containsExactly("10.1.1.0/24");
    assertThat(child.remoteTs()).containsExactly("10.2.1.0/24");
    assertThat(child.rekeyAt()).isPresent();
    assertThat(peer.listSas())
        .as("the stock peer sees the same SAs")
        .contains(String.format("%08x", child.spiIn()))
        .contains(String.format("%08x", child.spiOut()))
        .contains("site1");
    assertThat(recorder.states(site)).contains(ConnectionState.UP);
    assertThat(recorder.reasons(site))
        .as("on the way up, negotiating, never a failure")
        .doesNotContain(ReasonCode.AUTHENTICATION_FAILED, ReasonCode.PEER_UNREACHABLE);

    SaCounters before = await(charon.refresh()).get(site.id()).counters();
    int count = 3;
    int size = 1000;
    Ip.Result ping = TunnelLab.ping(nsA, count, size);
    assertThat(ping.ok()).as("ping through the tunnel: %s", ping.stdout()).isTrue();

    SaCounters after = await(charon.refresh()).get(site.id()).counters();
    long icmpBytes = (long) count * (size + 8);
    assertThat(after.bytesOut() - before.bytesOut()).isGreaterThanOrEqualTo(icmpBytes);
    assertThat(after.bytesIn() - before.bytesIn()).isGreaterThanOrEqualTo(icmpBytes);
    assertThat(after.packetsOut() - before.packetsOut()).isGreaterThanOrEqualTo(count);
    assertThat(after.packetsIn() - before.packetsIn()).isGreaterThanOrEqualTo(count);
    assertThat(after.lastOutbound()).isPresent();
    assertThat(recorder.counted).as("the periodic listing reports counters").isNotEmpty();
  }

  @Test
  void changingOneConnectionLeavesTheOthersSasAloneAndReplacesItsOwnMakeBeforeBreak() {
    IpsecSiteConnection first = connection(1);
    IpsecSiteConnection second = connection(2);
    await(charon.apply(specs(first, second), STORE));
    ConnectionStatus firstUp = awaitState(first, ConnectionState.UP);
    ConnectionStatus secondUp = awaitState(second, ConnectionState.UP);

    // An SA keeps the configuration it was negotiated with: a change, even of a lifetime, gets a
    // new SA first, then the old one goes.
    IpsecSiteConnection changed =
        second.toBuilder()
            .ipsecPolicy(
                second
                    .ipsecPolicy()
                    .withLifetime(Duration.ofMinutes(50))
                    .withEncryption(EncryptionAlgorithm.AES_128))
            .build();
    ApplyResult result = await(charon.apply(specs(first, changed), STORE));
    assertThat(result.unchanged()).containsExactly(first.id());
    assertThat(result.loaded()).containsExactly(second.id());
    assertThat(result.keysReloaded()).isEmpty();
    Awaitility.await("the changed connection runs one new child SA")
        .atMost(WAIT)
        .until(
            () -> {
              ConnectionStatus s = await(charon.refresh()).get(second.id());
              return s.state() == ConnectionState.UP
                  && s.ikeSas().size() == 1
                  && s.ikeSas().get(0).childSas().size() == 1
                  && child(s).proposal().orElseThrow().encryption().equals("AES_CBC-128")
                  && !spis(s).equals(spis(secondUp));
            });
    assertThat(recorder.states(changed))
        .as("make before break: never down on the way")
        .containsOnly(ConnectionState.CONNECTING, ConnectionState.UP);
    ConnectionStatus firstAfter = await(charon.refresh()).get(first.id());
    assertThat(firstAfter.state()).isEqualTo(ConnectionState.UP);
    assertThat(firstAfter.currentIkeSa().orElseThrow().uniqueId())
        .isEqualTo(firstUp.currentIkeSa().orElseThrow().uniqueId());
    assertThat(spis(firstAfter)).isEqualTo(spis(firstUp));
  }

  @Test
  void repeatedUpdatesLeaveOneIkeSaAndOneChildSa() {
    IpsecSiteConnection site = connection(2);
    await(charon.apply(specs(site), STORE));
    awaitState(site, ConnectionState.UP);
    IpsecSiteConnection current = site;
    for (int i = 0; i < 50; i++) {
      EncryptionAlgorithm cipher =
          i % 2 == 0 ? EncryptionAlgorithm.AES_128 : EncryptionAlgorithm.AES_256;
      current =
          current.toBuilder()
              .ipsecPolicy(current.ipsecPolicy().withEncryption(cipher))
              .dpd(
                  new DeadPeerDetection(
                      DpdAction.HOLD, Duration.ofSeconds(20 + i), Duration.ofSeconds(120)))
              .build();
      await(charon.apply(specs(current), STORE));
    }
    IpsecSiteConnection last = current;
    // The last change wins, and once things settle each end has one IKE SA and one child SA.
    Awaitility.await("the last configuration runs, one IKE SA and one child SA on both ends")
        .atMost(WAIT.multipliedBy(2))
        .untilAsserted(
            () -> {
              ConnectionStatus s = await(charon.refresh()).get(last.id());
              boolean settled =
                  s.state() == ConnectionState.UP
                      && s.ikeSas().size() == 1
                      && s.ikeSas().get(0).childSas().size() == 1
                      && child(s).proposal().orElseThrow().encryption().equals("AES_CBC-256")
                      && peerIkeSas("site2") == 1
                      && peerChildSas("site2") == 1;
              assertThat(settled).as("settled; ours: %s%npeer's:%n%s", s, peer.listSas()).isTrue();
            });
  }

  private int peerIkeSas(String config) {
    return (int) peer.listSas().lines().filter(l -> l.contains("{" + config + " {")).count();
  }

  private int peerChildSas(String config) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(config + "-\\d+ \\{").matcher(peer.listSas());
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @Test
  void anIkeSaWhoseDeleteIsNeverAnsweredIsDestroyedAfterAWhile() {
    IpsecSiteConnection site = connection(1);
    await(charon.apply(specs(site), STORE));
    long ike = awaitState(site, ConnectionState.UP).ikeSas().get(0).uniqueId();
    // Side A can no longer reach the peer: its DELETE will never be answered.
    Ip.ip("-n", nsA, "route", "add", "blackhole", B + "/32");
    try {
      await(
          charon
              .vici()
              .request(
                  "terminate",
                  org.nsvpn.strongswan.vici.ViciSection.builder()
                      .put("ike-id", ike)
                      .put("timeout", -1)
                      .build()));
      Awaitility.await("IKE SA #" + ike + " deleting")
          .atMost(WAIT)
          .until(() -> ikeState(site, ike).equals(Optional.of("DELETING")));
      // charon alone would retransmit the DELETE for minutes (its retransmission schedule is
      // fitted to the 120 s DPD timeout); the agent destroys the SA once its patience is spent.
      Awaitility.await("IKE SA #" + ike + " destroyed")
          .atMost(ManagedCharon.DELETE_PATIENCE.plus(Duration.ofSeconds(10)))
          .until(() -> ikeState(site, ike).isEmpty());
      assertThat(aLog()).contains("destroying IKE_SA in state DELETING");
    } finally {
      Ip.exec("ip", "-n", nsA, "route", "del", "blackhole", B + "/32");
      // The peer still holds its copy: drop it, so that later tests start clean.
      peer.swanctl("--terminate", "--ike", "site1", "--force");
    }
  }

  private Optional<String> ikeState(IpsecSiteConnection site, long uniqueId) {
    return Optional.ofNullable(charon.status().get(site.id()))
        .flatMap(s -> s.ikeSas().stream().filter(sa -> sa.uniqueId() == uniqueId).findFirst())
        .map(sa -> sa.state());
  }

  @Test
  void aWrongPskIsAnAuthenticationFailureRetriedWithBackOffAndAFixedKeyBringsItUp() {
    IpsecSiteConnection site = connection(3);
    double start = System.currentTimeMillis() / 1000.0;
    await(charon.apply(specs(site), STORE));
    ConnectionStatus failed = awaitState(site, ConnectionState.ERROR);
    assertThat(failed.reason().orElseThrow().code()).isEqualTo(ReasonCode.AUTHENTICATION_FAILED);
    assertThat(failed.reason().orElseThrow().text())
        .contains("the peer refused this side's credentials")
        .contains("attempt 1");

    // nsvpn tries again, and waits longer each time: 1 s, 2 s, 4 s (RETRY_MIN doubling).
    Awaitility.await("three more attempts")
        .atMost(WAIT)
        .until(() -> peer.ikeSaInitRequests(start).size() >= 4);
    List<Double> attempts = peer.ikeSaInitRequests(start).subList(0, 4);
    for (int i = 1; i < attempts.size(); i++) {
      double gap = attempts.get(i) - attempts.get(i - 1);
      double backoff = RETRY_MIN.toMillis() / 1000.0 * (1 << (i - 1));
      assertThat(gap)
          .as("wait before attempt %d (peer's log: %s)", i + 1, attempts)
          .isGreaterThanOrEqualTo(backoff);
    }

    PresharedKeys fixed =
        ref ->
            (ref.name().equals("psk-3") ? "the-peer-has-this-one-41f0" : KEYS.get(ref.name()))
                .getBytes(StandardCharsets.UTF_8);
    ApplyResult result = await(charon.apply(specs(site), fixed));
    assertThat(result.keysReloaded()).containsExactly(site.id());
    assertThat(result.loaded()).as("the configuration did not change").isEmpty();
    // Tried at once, or by the attempt already under way: charon reads the key at authentication.
    ConnectionStatus up = awaitState(site, ConnectionState.UP);
    assertThat(up.reason()).isEmpty();
  }

  @Test
  void removedAndAdministrativelyDownConnectionsAreUnloaded() {
    IpsecSiteConnection first = connection(1);
    IpsecSiteConnection second = connection(2);
    await(charon.apply(specs(first, second), STORE));
    long secondSpi = child(awaitState(second, ConnectionState.UP)).spiIn();
    awaitState(first, ConnectionState.UP);

    IpsecSiteConnection firstDown = first.toBuilder().adminStateUp(false).build();
    ApplyResult result = await(charon.apply(specs(firstDown), STORE));
    assertThat(result.unloaded()).containsExactlyInAnyOrder(first.id(), second.id());

    ConnectionStatus down = awaitState(first, ConnectionState.DOWN);
    assertThat(down.reason().orElseThrow().code()).isEqualTo(ReasonCode.ADMIN_DOWN);
    assertThat(down.ikeSas()).isEmpty();
    assertThat(charon.status()).doesNotContainKey(second.id());
    assertThat(
            await(charon.vici().request("get-conns", org.nsvpn.strongswan.vici.ViciSection.empty()))
                .texts("conns"))
        .isEmpty();
    Awaitility.await("the peer saw the SAs deleted")
        .atMost(WAIT)
        .until(() -> !peer.listSas().contains(String.format("%08x", secondSpi)));
  }

  @Test
  void mismatchedEspProposalsAreNoProposalChosenAndSayWhoseProposalsTheyList() {
    IpsecSiteConnection site = connection(4);
    await(charon.apply(specs(site), STORE));
    ConnectionStatus failed = awaitReason(site, ReasonCode.NO_PROPOSAL_CHOSEN);
    assertThat(failed.state()).isEqualTo(ConnectionState.ERROR);
    assertThat(failed.reason().orElseThrow().text())
        .contains("the peer accepted none of the ESP/AH proposals this side offered")
        .contains("AES_CBC_256");
  }

  @Test
  void mismatchedIkeProposalsAreNoProposalChosenAndSayWhoseProposalsTheyList() {
    IpsecSiteConnection base = connection(5);
    IpsecSiteConnection site =
        base.toBuilder()
            .ikePolicy(
                base.ikePolicy()
                    .withEncryption(EncryptionAlgorithm.AES_128_CTR)
                    .withIntegrity(IntegrityAlgorithm.SHA512)
                    .withDhGroup(DhGroup.GROUP20))
            .build();
    await(charon.apply(specs(site), STORE));
    ConnectionStatus failed = awaitReason(site, ReasonCode.NO_PROPOSAL_CHOSEN);
    assertThat(failed.reason().orElseThrow().text())
        .contains("the peer accepted none of the IKE proposals this side offered")
        .contains("AES_CTR_128")
        .contains("ECP_384");
  }

  @Test
  void trafficSelectorsThePeerDoesNotAcceptAreReported() {
    IpsecSiteConnection site = connection(6);
    await(charon.apply(specs(site), STORE));
    ConnectionStatus failed = awaitReason(site, ReasonCode.TS_UNACCEPTABLE);
    assertThat(failed.state()).isEqualTo(ConnectionState.ERROR);
    assertThat(failed.reason().orElseThrow().text()).contains("10.1.6.0/24");
    assertThat(failed.ikeSas()).as("charon keeps the IKE SA").hasSize(1);
  }

  @Test
  void aPeerThatNeverAnswersIsUnreachable() {
    IpsecSiteConnection site = withDpd(connection(7), 1, 3);
    await(charon.apply(specs(site), STORE));
    ConnectionStatus down = awaitReason(site, ReasonCode.PEER_UNREACHABLE);
    assertThat(down.state()).isEqualTo(ConnectionState.DOWN);
    assertThat(down.reason().orElseThrow().text()).contains(NOBODY);
  }

  @Test
  void aPeerThatDiesIsFoundByDeadPeerDetection() {
    IpsecSiteConnection site = withDpd(connection(1), 2, 6);
    await(charon.apply(specs(site), STORE));
    awaitState(site, ConnectionState.UP);
    try {
      ProcessHandle.of(peer.pid()).orElseThrow().destroyForcibly();
      ConnectionStatus dead = awaitReason(site, ReasonCode.DEAD_PEER);
      assertThat(dead.state()).isEqualTo(ConnectionState.DOWN);
      assertThat(dead.reason().orElseThrow().text())
          .contains("no answer from " + B)
          .contains("dead peer detection");
    } finally {
      peer.stop();
      peer = StockCharon.start(nsB, service.backend().join());
      peer.loadAll(peerConfig(service.backend().join()));
    }
  }

  @Test
  void killingCharonIsDetectedAndReported() {
    IpsecSiteConnection site = connection(1);
    await(charon.apply(specs(site), STORE));
    awaitState(site, ConnectionState.UP);
    long pid = charon.pid();

    ProcessHandle.of(pid).orElseThrow().destroyForcibly();

    Awaitility.await("the handle notices")
        .atMost(WAIT)
        .until(() -> charon.state() == InstanceState.EXITED);
    Awaitility.await("listeners hear it")
        .atMost(WAIT)
        .until(() -> recorder.instanceStates.contains(InstanceState.EXITED));
    ConnectionStatus status = charon.status().get(site.id());
    assertThat(status.state()).isEqualTo(ConnectionState.ERROR);
    assertThat(status.reason().orElseThrow().code()).isEqualTo(ReasonCode.CHARON_EXITED);
    assertThat(status.reason().orElseThrow().text())
        .contains("exited unexpectedly")
        .contains("signal 9");
    assertThat(recorder.instanceReasons).anyMatch(r -> r.contains("pid " + pid));
    assertThat(charon.directory().resolve("charon.pid")).doesNotExist();
  }

  @Test
  void anAdoptedCharonsDeathIsNoticedAsFastAsAChilds() {
    IpsecSiteConnection site = connection(1);
    await(charon.apply(specs(site), STORE));
    awaitState(site, ConnectionState.UP);
    charon.close();
    StrongSwan restarted = CharonFixture.service(service.config());
    charon = await(restarted.startOrAdopt(nsA));
    assertThat(charon.adopted()).isTrue();
    recorder = new Recorder();
    charon.addListener(recorder);

    ProcessHandle.of(charon.pid()).orElseThrow().destroyForcibly();
    Awaitility.await("the adopting handle notices")
        .atMost(WAIT)
        .until(() -> charon.state() == InstanceState.EXITED);
    assertThat(charon.status().get(site.id()).reason().orElseThrow().code())
        .isEqualTo(ReasonCode.CHARON_EXITED);
  }

  @Test
  void aNewHandleAdoptsTheRunningCharonAndItsSas() {
    IpsecSiteConnection site = connection(1);
    await(charon.apply(specs(site), STORE));
    ConnectionStatus up = awaitState(site, ConnectionState.UP);
    long pid = charon.pid();

    charon.close();
    assertThat(charon.state()).isEqualTo(InstanceState.CLOSED);
    StrongSwan restarted = CharonFixture.service(service.config());
    charon = await(restarted.startOrAdopt(nsA));

    assertThat(charon.adopted()).isTrue();
    assertThat(charon.pid()).isEqualTo(pid);
    assertThat(charonsIn(nsA)).as("no second charon").containsExactly(pid);
    ConnectionStatus adopted = charon.status().get(site.id());
    assertThat(adopted.state()).isEqualTo(ConnectionState.UP);
    assertThat(spis(adopted)).isEqualTo(spis(up));

    ApplyResult again = await(charon.apply(specs(site), STORE));
    assertThat(again.failed()).isEmpty();
    assertThat(again.initiated()).as("it is up: nothing to initiate").isEmpty();
    ConnectionStatus afterApply = await(charon.refresh()).get(site.id());
    assertThat(afterApply.state()).isEqualTo(ConnectionState.UP);
    assertThat(spis(afterApply))
        .as("re-asserting the same config keeps the SAs")
        .isEqualTo(spis(up));
    assertThat(afterApply.currentIkeSa().orElseThrow().uniqueId())
        .isEqualTo(up.currentIkeSa().orElseThrow().uniqueId());
  }

  @Test
  void thePskIsNeitherOnDiskNorInArgumentsNorInTheEnvironment() throws Exception {
    IpsecSiteConnection site = connection(1);
    await(charon.apply(specs(site), STORE));
    awaitState(site, ConnectionState.UP);
    KeyMaterial psk = KeyMaterial.of(KEYS.get("psk-1").getBytes(StandardCharsets.UTF_8));

    assertThat(psk.in(Files.readAllBytes(peer.directory().resolve("swanctl.conf"))))
        .as("sanity: the search finds the key where it is (the stock peer's file)")
        .isTrue();
    assertThat(psk.filesUnder(charon.directory())).as("files holding the PSK").isEmpty();
    assertThat(psk.inProcesses()).as("argv or environments holding the PSK").isEmpty();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(charon.directory())))
        .isEqualTo("rwx------");
  }

  private String aLog() {
    try {
      return Files.readString(charon.directory().resolve("charon.log"));
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  private static List<String> spis(ConnectionStatus status) {
    return status.ikeSas().stream()
        .flatMap(ike -> ike.installedChildren().stream())
        .map(c -> c.spiIn() + "/" + c.spiOut())
        .toList();
  }

  private static List<Long> charonsIn(String namespace) {
    return Ip.ip("netns", "pids", namespace)
        .lines()
        .map(Long::parseLong)
        .filter(CharonFixture::isCharon)
        .toList();
  }

  /** Records what listeners hear. */
  static final class Recorder implements StatusListener {
    final List<ConnectionStatus> statuses = new CopyOnWriteArrayList<>();
    final List<java.util.Collection<ConnectionStatus>> counted = new CopyOnWriteArrayList<>();
    final List<InstanceState> instanceStates = new CopyOnWriteArrayList<>();
    final List<String> instanceReasons = new CopyOnWriteArrayList<>();

    @Override
    public void statusChanged(ConnectionStatus status) {
      statuses.add(status);
    }

    @Override
    public void countersRefreshed(java.util.Collection<ConnectionStatus> all) {
      counted.add(all);
    }

    @Override
    public void instanceStateChanged(InstanceState state, String reason) {
      instanceStates.add(state);
      instanceReasons.add(reason);
    }

    List<ConnectionState> states(IpsecSiteConnection connection) {
      return statuses.stream()
          .filter(s -> s.connection().equals(connection.id()))
          .map(ConnectionStatus::state)
          .toList();
    }

    List<ReasonCode> reasons(IpsecSiteConnection connection) {
      return statuses.stream()
          .filter(s -> s.connection().equals(connection.id()))
          .flatMap(s -> s.reason().stream())
          .map(r -> r.code())
          .toList();
    }
  }
}
