package org.nsvpn.strongswan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.Initiator;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.SecretRef;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.strongswan.vici.ViciProtocolException;
import org.nsvpn.strongswan.vici.ViciSection;

/** Status rules, list-sa parsing and error-notify records, on messages shaped like charon's. */
class StatusTrackerTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final VpnService SERVICE =
      new VpnService(
          VpnServiceId.random(), "vpn", RouterId.random(), IpAddress.parse("203.0.113.1"), true);

  private static ConnectionSpec spec(Initiator initiator) {
    return ConnectionSpec.of(
        SERVICE,
        IpsecSiteConnection.builder()
            .id(IpsecSiteConnectionId.random())
            .vpnService(SERVICE.id())
            .name("site")
            .peerAddress(IpAddress.parse("198.51.100.7"))
            .localCidrs(IpSubnet.parse("10.1.0.0/24"))
            .peerCidrs(IpSubnet.parse("10.2.0.0/24"))
            .psk(new SecretRef("k"))
            .initiator(initiator)
            .build());
  }

  /** A list-sa event of one IKE SA in {@code state}, with a child in {@code childState}. */
  static ViciSection listSa(String name, String state, String childState) {
    return listSa(name, state, childState, 7);
  }

  static ViciSection listSa(String name, String state, String childState, int uniqueId) {
    ViciSection.Builder ike =
        ViciSection.builder()
            .put("uniqueid", Integer.toString(uniqueId))
            .put("version", "2")
            .put("state", state)
            .put("local-host", "203.0.113.1")
            .put("remote-host", "198.51.100.7")
            .put("local-id", "203.0.113.1")
            .put("remote-id", "198.51.100.7")
            .put("initiator", "yes")
            .put("initiator-spi", "1122334455667788")
            .put("responder-spi", "8877665544332211")
            .put("nat-any", "yes")
            .put("encr-alg", "AES_CBC")
            .put("encr-keysize", "256")
            .put("integ-alg", "HMAC_SHA2_256_128")
            .put("prf-alg", "PRF_HMAC_SHA2_256")
            .put("dh-group", "MODP_2048")
            .put("established", "60")
            .put("rekey-time", "9000");
    if (childState != null) {
      ike.put(
          "child-sas",
          ViciSection.builder()
              .put(
                  name + "-3",
                  ViciSection.builder()
                      .put("name", name)
                      .put("uniqueid", "3")
                      .put("reqid", "1")
                      .put("state", childState)
                      .put("mode", "TUNNEL")
                      .put("protocol", "ESP")
                      .put("encap", "yes")
                      .put("spi-in", "c1a2b3c4")
                      .put("spi-out", "d4c3b2a1")
                      .put("encr-alg", "AES_CBC")
                      .put("encr-keysize", "256")
                      .put("integ-alg", "HMAC_SHA2_256_128")
                      .put("bytes-in", "3084")
                      .put("packets-in", "3")
                      .put("use-in", "2")
                      .put("bytes-out", "3084")
                      .put("packets-out", "3")
                      .put("use-out", "2")
                      .put("rekey-time", "3000")
                      .put("life-time", "3500")
                      .put("install-time", "50")
                      .putList("local-ts", List.of("10.1.0.0/24"))
                      .putList("remote-ts", List.of("10.2.0.0/24"))
                      .build())
              .build());
    }
    return ViciSection.builder().put(name, ike.build()).build();
  }

  @Test
  void parsesListSaLikeCharonSendsIt() {
    String name = "nsvpn-00000000000000000000000000000001";
    IkeSaStatus ike = SaParser.parse(listSa(name, "ESTABLISHED", "INSTALLED"), NOW).get(0);
    assertThat(ike.name()).isEqualTo(name);
    assertThat(ike.uniqueId()).isEqualTo(7);
    assertThat(ike.version()).isEqualTo(2);
    assertThat(ike.isEstablished()).isTrue();
    assertThat(ike.initiator()).isTrue();
    assertThat(ike.natDetected()).isTrue();
    assertThat(ike.proposal())
        .isEqualTo("AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048");
    assertThat(ike.establishedAt()).contains(NOW.minusSeconds(60));
    assertThat(ike.rekeyAt()).contains(NOW.plusSeconds(9000));
    assertThat(ike.reauthAt()).isEmpty();
    ChildSaStatus child = ike.childSas().get(0);
    assertThat(child.name()).isEqualTo(name);
    assertThat(child.isInstalled()).isTrue();
    assertThat(child.udpEncapsulated()).isTrue();
    assertThat(child.proposal()).isEqualTo("AES_CBC-256/HMAC_SHA2_256_128");
    assertThat(child.installedAt()).contains(NOW.minusSeconds(50));
    assertThat(child.expiresAt()).contains(NOW.plusSeconds(3500));
    assertThat(child.counters())
        .isEqualTo(
            new SaCounters(
                3084,
                3,
                3084,
                3,
                Optional.of(NOW.minusSeconds(2)),
                Optional.of(NOW.minusSeconds(2))));
    assertThat(child.localTrafficSelectors()).containsExactly("10.1.0.0/24");
  }

  @Test
  void statesFollowTheSasAndTheErrors() {
    StatusTracker tracker = new StatusTracker();
    ConnectionSpec spec = spec(Initiator.BI_DIRECTIONAL);
    String name = ConnectionMapping.charonName(spec.id());
    tracker.configured(spec, false);

    assertThat(tracker.publish(NOW))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.state()).isEqualTo(ConnectionState.DOWN);
              assertThat(s.reason()).contains("no IKE SA");
            });
    assertThat(tracker.publish(NOW)).as("nothing changed, nothing published").isEmpty();

    tracker.sasListed(SaParser.parse(listSa(name, "CONNECTING", null), NOW));
    assertThat(tracker.publish(NOW).get(0).state()).isEqualTo(ConnectionState.CONNECTING);

    tracker.sasListed(SaParser.parse(listSa(name, "ESTABLISHED", "INSTALLED"), NOW));
    ConnectionStatus up = tracker.publish(NOW).get(0);
    assertThat(up.state()).isEqualTo(ConnectionState.UP);
    assertThat(up.counters().bytesOut()).isEqualTo(3084);
    assertThat(tracker.snapshot()).containsEntry(spec.id(), up);
    assertThat(tracker.publish(NOW.plusSeconds(5))).as("same situation, later").isEmpty();

    tracker.error(spec.id(), new ConnectionError(FailureKind.PEER_UNREACHABLE, "gone", NOW));
    assertThat(tracker.publish(NOW).get(0).state())
        .as("up wins while the SA is there")
        .isEqualTo(ConnectionState.UP);
    tracker.sasListed(List.of());
    ConnectionStatus error = tracker.publish(NOW).get(0);
    assertThat(error.state()).isEqualTo(ConnectionState.ERROR);
    assertThat(error.reason()).contains("peer unreachable: gone");

    tracker.clearError(spec.id(), FailureKind.AUTHENTICATION_FAILED);
    assertThat(tracker.publish(NOW)).as("another kind is not cleared").isEmpty();
    tracker.clearError(spec.id());
    assertThat(tracker.publish(NOW).get(0).state()).isEqualTo(ConnectionState.DOWN);

    tracker.charonExited(
        new ConnectionError(FailureKind.CHARON_EXITED, "charon (pid 1) exited", NOW));
    ConnectionStatus exited = tracker.publish(NOW).get(0);
    assertThat(exited.state()).isEqualTo(ConnectionState.ERROR);
    assertThat(exited.error().orElseThrow().kind()).isEqualTo(FailureKind.CHARON_EXITED);
  }

  @Test
  void twoIkeSasOfOneConnectionBothCount() {
    // Both ends initiated at once: each side keeps two IKE SAs, and traffic may use either.
    StatusTracker tracker = new StatusTracker();
    ConnectionSpec spec = spec(Initiator.BI_DIRECTIONAL);
    String name = ConnectionMapping.charonName(spec.id());
    tracker.configured(spec, false);
    List<IkeSaStatus> sas = new java.util.ArrayList<>();
    sas.addAll(SaParser.parse(listSa(name, "ESTABLISHED", "INSTALLED", 7), NOW));
    sas.addAll(SaParser.parse(listSa(name, "ESTABLISHED", "INSTALLED", 9), NOW));
    sas.addAll(SaParser.parse(listSa(name, "CONNECTING", null, 11), NOW));
    tracker.sasListed(sas);

    ConnectionStatus up = tracker.publish(NOW).get(0);
    assertThat(up.state()).isEqualTo(ConnectionState.UP);
    assertThat(up.ikeSas()).extracting(IkeSaStatus::uniqueId).containsExactly(9L, 7L, 11L);
    assertThat(up.ikeSa().orElseThrow().uniqueId()).as("the newest with a child SA").isEqualTo(9);
    assertThat(up.childSas()).hasSize(2);
    assertThat(up.counters().bytesOut()).isEqualTo(2 * 3084);
  }

  @Test
  void responseOnlyAdminDownStoppedAndRemoved() {
    StatusTracker tracker = new StatusTracker();
    ConnectionSpec responder = spec(Initiator.RESPONSE_ONLY);
    ConnectionSpec down = spec(Initiator.BI_DIRECTIONAL);
    tracker.configured(responder, false);
    tracker.configured(down, true);
    Map<IpsecSiteConnectionId, ConnectionStatus> first = Map.of();
    for (ConnectionStatus s : tracker.publish(NOW)) {
      first = new java.util.HashMap<>(first);
      first.put(s.connection(), s);
    }
    assertThat(first.get(responder.id()).reason()).contains("waiting for the peer to initiate");
    assertThat(first.get(down.id()).reason()).contains("admin-state-up is false");

    tracker.removed(down.id());
    List<ConnectionStatus> afterRemoval = tracker.publish(NOW);
    assertThat(afterRemoval)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.connection()).isEqualTo(down.id());
              assertThat(s.reason()).contains("removed from charon");
            });
    assertThat(tracker.snapshot()).doesNotContainKey(down.id());

    tracker.charonStopped("charon stopped");
    ConnectionStatus stopped = tracker.publish(NOW).get(0);
    assertThat(stopped.state()).isEqualTo(ConnectionState.DOWN);
    assertThat(stopped.reason()).contains("charon stopped");
    assertThat(stopped.error()).isEmpty();
  }

  @Test
  void notificationsFindTheirConnectionByNameOrPeerAddress() {
    StatusTracker tracker = new StatusTracker();
    ConnectionSpec spec = spec(Initiator.BI_DIRECTIONAL);
    tracker.configured(spec, false);
    Map<IpsecSiteConnectionId, String> peers = Map.of(spec.id(), "198.51.100.7");
    String name = ConnectionMapping.charonName(spec.id());

    assertThat(tracker.connectionsFor(new ErrorNotification(2, "x", name, "", ""), peers))
        .containsExactly(spec.id());
    assertThat(
            tracker.connectionsFor(
                new ErrorNotification(8, "x", "", "", "198.51.100.7[500]"), peers))
        .containsExactly(spec.id());
    assertThat(
            tracker.connectionsFor(
                new ErrorNotification(8, "x", "other", "", "198.51.100.7[500]"), peers))
        .as("a config nsvpn did not make")
        .isEmpty();
    assertThat(
            tracker.connectionsFor(new ErrorNotification(8, "x", "", "", "192.0.2.9[4500]"), peers))
        .isEmpty();
  }

  @Test
  void errorNotifyRecordsHaveTheirFixedLayout() {
    ErrorNotification sent =
        new ErrorNotification(
            3, "peer authentication failed", "nsvpn-1", "b1.example.org", "192.0.2.2[4500]");
    ByteBuf buffer = Unpooled.buffer();
    try {
      sent.encode(buffer);
      assertThat(buffer.readableBytes()).isEqualTo(ErrorNotification.SIZE);
      assertThat(buffer.getInt(0)).as("type in network order").isEqualTo(3);
      assertThat(buffer.getByte(4)).isEqualTo((byte) 'p');
      assertThat(buffer.getByte(4 + 384)).as("name at offset 388").isEqualTo((byte) 'n');
      assertThat(buffer.getByte(4 + 384 + 64)).as("id at offset 452").isEqualTo((byte) 'b');
      assertThat(buffer.getByte(4 + 384 + 64 + 256)).as("ip at offset 708").isEqualTo((byte) '1');
      ErrorNotification received = ErrorNotification.decode(buffer);
      assertThat(received).isEqualTo(sent);
      assertThat(received.type()).contains(ErrorNotifyType.PEER_AUTH_FAILED);
      assertThat(received.type().orElseThrow().failure())
          .contains(FailureKind.AUTHENTICATION_FAILED);
      assertThat(received.peerIp()).isEqualTo("192.0.2.2");
    } finally {
      buffer.release();
    }
    ByteBuf shortRecord = Unpooled.buffer(10).writeZero(10);
    try {
      assertThatThrownBy(() -> ErrorNotification.decode(shortRecord))
          .isInstanceOf(ViciProtocolException.class)
          .hasMessageContaining("expected 768");
    } finally {
      shortRecord.release();
    }
    assertThat(ErrorNotifyType.ofCode(8).orElseThrow().failure())
        .contains(FailureKind.PROPOSAL_MISMATCH);
    assertThat(ErrorNotifyType.ofCode(20).orElseThrow().failure())
        .as("retransmits are no failure")
        .isEmpty();
    assertThat(ErrorNotifyType.ofCode(99)).isEmpty();
  }

  @Test
  void theGeneratedConfigurationLoadsWhatIsNeededAndHoldsNoSecret() {
    String conf = CharonConf.render("vpn-1", Backend.KERNEL_LIBIPSEC, 12, 1);
    assertThat(conf)
        .contains("load_modular = no")
        .contains("threads = 12")
        .contains("socket = unix:///run/charon.vici")
        .contains("socket = unix:///run/charon.enfy")
        .contains("path = /run/charon.log")
        .contains("default = 1")
        .contains("time_format = %Y-%m-%dT%H:%M:%S")
        .doesNotContainIgnoringCase("secret")
        .doesNotContain("psk");
    assertThat(CharonConf.plugins(Backend.KERNEL_LIBIPSEC))
        .contains("kdf", "vici", "error-notify", "socket-default", "nonce", "random", "openssl")
        .containsSubsequence("kernel-libipsec", "kernel-netlink");
    assertThat(CharonConf.plugins(Backend.KERNEL_NETLINK)).doesNotContain("kernel-libipsec");
  }

  @Test
  void configurationRefusesWhatWouldHangOrLeakCharon() {
    StrongSwanConfig defaults = StrongSwanConfig.defaults();
    assertThatThrownBy(() -> defaults.withWorkerThreads(9))
        .hasMessageStartingWith("charon-threads:");
    assertThatThrownBy(
            () ->
                new StrongSwanConfig(
                    defaults.stateRoot(),
                    defaults.charonBinary(),
                    12,
                    defaults.startTimeout(),
                    defaults.stopTimeout(),
                    defaults.refreshInterval(),
                    defaults.requestTimeout(),
                    Optional.empty(),
                    4))
        .hasMessageStartingWith("charon-log-level:");
    assertThatThrownBy(() -> defaults.withStateRoot(java.nio.file.Path.of("relative")))
        .hasMessageStartingWith("state-root:");
  }
}
