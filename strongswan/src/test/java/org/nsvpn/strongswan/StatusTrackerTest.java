package org.nsvpn.strongswan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
import org.nsvpn.chainrules.status.ConnectionState;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.chainrules.status.Reason;
import org.nsvpn.chainrules.status.ReasonCode;
import org.nsvpn.strongswan.vici.ViciSession.Event;

/** The status rules, failures and retry timing of one charon's connections. */
class StatusTrackerTest {
  private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
  private static final VpnService SERVICE =
      new VpnService(
          VpnServiceId.random(), "vpn", RouterId.random(), IpAddress.parse(Vici.LOCAL), true);

  private final StatusTracker tracker =
      new StatusTracker(new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(300)));
  private final ConnectionSpec spec = spec(Initiator.BI_DIRECTIONAL);
  private final IpsecSiteConnectionId id = spec.id();
  private final String name = ConnectionMapping.charonName(id);
  private final Map<IpsecSiteConnectionId, String> peers = Map.of(id, Vici.PEER);

  static ConnectionSpec spec(Initiator initiator) {
    return ConnectionSpec.of(
        SERVICE,
        IpsecSiteConnection.builder()
            .id(IpsecSiteConnectionId.random())
            .vpnService(SERVICE.id())
            .name("site")
            .peerAddress(IpAddress.parse(Vici.PEER))
            .localCidrs(IpSubnet.parse("10.1.0.0/24"))
            .peerCidrs(IpSubnet.parse("10.2.0.0/24"))
            .psk(new SecretRef("k"))
            .initiator(initiator)
            .build());
  }

  private ConnectionStatus status(Instant now) {
    tracker.publish(now);
    return tracker.snapshot().get(id);
  }

  private void ikeUp(long ike, int port, Instant now) {
    tracker
        .table()
        .apply(
            Event.IKE_UPDOWN,
            Vici.event(true, name, Vici.ike(ike, "ESTABLISHED", true, port).build()),
            now);
  }

  private void ikeDown(long ike, int port, Instant now) {
    tracker
        .table()
        .apply(
            Event.IKE_UPDOWN,
            Vici.event(false, name, Vici.ike(ike, "ESTABLISHED", true, port).build()),
            now);
  }

  private void childUp(long ike, long child, int port, Instant now) {
    tracker
        .table()
        .apply(
            Event.CHILD_UPDOWN,
            Vici.event(
                true,
                name,
                Vici.ikeWith(
                    Vici.ike(ike, "ESTABLISHED", true, port),
                    name,
                    Vici.child(name, child, "INSTALLED", 0))),
            now);
  }

  private void notify(
      ErrorNotifyType type, String message, String connection, String ip, Instant now) {
    tracker.notified(new ErrorNotification(type.code(), message, connection, "", ip), peers, now);
  }

  @Test
  void upOnlyWithAnInstalledChildSa() {
    tracker.configured(spec, false);
    assertThat(status(T0).reason().orElseThrow().code()).isEqualTo(ReasonCode.NOT_ESTABLISHED);
    ikeUp(1, 4500, T0);
    ConnectionStatus ikeOnly = status(T0);
    assertThat(ikeOnly.state()).isEqualTo(ConnectionState.CONNECTING);
    assertThat(ikeOnly.reason().orElseThrow().code()).isEqualTo(ReasonCode.NO_CHILD_SA);
    childUp(1, 1, 4500, T0);
    ConnectionStatus up = status(T0);
    assertThat(up.state()).isEqualTo(ConnectionState.UP);
    assertThat(up.reason()).isEmpty();
    assertThat(tracker.publish(T0.plusSeconds(1))).as("nothing changed").isEmpty();
  }

  @Test
  void aReplacementIsOwedOnlyWhenTheLastInitiationPredatesTheLatestConfiguration() {
    tracker.configured(spec, false);
    tracker.initiated(id, T0);
    tracker.initiationSent(id);
    ikeUp(1, 4500, T0);
    childUp(1, 1, 4500, T0);
    assertThat(tracker.owesReplacement(id)).isFalse();
    // A change is loaded; its replacement supersedes SA #1 and initiates with the new one.
    tracker.configurationLoaded(id);
    assertThat(tracker.owesReplacement(id)).isTrue();
    tracker.supersede(id, T0);
    tracker.initiated(id, T0);
    tracker.initiationSent(id);
    assertThat(tracker.owesReplacement(id)).as("while replacing").isFalse();
    // Another change is loaded while the replacement's initiate is in flight.
    tracker.configurationLoaded(id);
    ikeUp(2, 4500, T0);
    childUp(2, 2, 4500, T0);
    tracker.supersededDone(id);
    assertThat(tracker.owesReplacement(id)).as("SA #2 runs the middle configuration").isTrue();
    tracker.supersede(id, T0);
    tracker.initiated(id, T0);
    tracker.initiationSent(id);
    ikeUp(3, 4500, T0);
    childUp(3, 3, 4500, T0);
    tracker.supersededDone(id);
    assertThat(tracker.owesReplacement(id))
        .as("SA #3 was initiated after the last load: charon would call a new one a duplicate")
        .isFalse();
    ConnectionSpec responder = spec(Initiator.RESPONSE_ONLY);
    tracker.configured(responder, false);
    tracker.configurationLoaded(responder.id());
    assertThat(tracker.owesReplacement(responder.id())).as("a responder never initiates").isFalse();
  }

  @Test
  void responseOnlyWaitsAdminDownAndCharonGoneAreReasonsToo() {
    ConnectionSpec responder = spec(Initiator.RESPONSE_ONLY);
    tracker.configured(responder, false);
    tracker.publish(T0);
    assertThat(tracker.snapshot().get(responder.id()).reason().orElseThrow().code())
        .isEqualTo(ReasonCode.WAITING_FOR_PEER);
    tracker.configured(responder, true);
    tracker.publish(T0);
    assertThat(tracker.snapshot().get(responder.id()).reason().orElseThrow().code())
        .isEqualTo(ReasonCode.ADMIN_DOWN);
    tracker.charonExited("charon (pid 42) exited unexpectedly with signal 9");
    tracker.publish(T0);
    Reason gone = tracker.snapshot().get(responder.id()).reason().orElseThrow();
    assertThat(gone.code()).isEqualTo(ReasonCode.CHARON_EXITED);
    assertThat(gone.text()).contains("signal 9");
    assertThat(tracker.snapshot().get(responder.id()).state()).isEqualTo(ConnectionState.ERROR);
  }

  @Test
  void aFailureIsTheReasonUntilTheTunnelWorksAndRetriesBackOff() {
    tracker.configured(spec, false);
    assertThat(tracker.dueForInitiation(id, T0)).isTrue();
    tracker.initiated(id, T0);
    assertThat(tracker.dueForInitiation(id, T0.plusSeconds(1)))
        .as("waiting to see the SA it initiated")
        .isFalse();
    notify(
        ErrorNotifyType.LOCAL_AUTH_FAILED,
        "local authentication failed",
        name,
        Vici.PEER + "[4500]",
        T0);
    ConnectionStatus failed = status(T0);
    assertThat(failed.state()).isEqualTo(ConnectionState.ERROR);
    assertThat(failed.reason().orElseThrow().code()).isEqualTo(ReasonCode.AUTHENTICATION_FAILED);
    assertThat(failed.reason().orElseThrow().text())
        .contains("the peer refused this side's credentials")
        .contains("attempt 1, next at 2026-11-23T12:00:05Z");
    assertThat(tracker.dueForInitiation(id, T0.plusSeconds(4))).isFalse();
    assertThat(tracker.dueForInitiation(id, T0.plusSeconds(5))).isTrue();

    // A second notification of the same attempt does not count again.
    notify(
        ErrorNotifyType.LOCAL_AUTH_FAILED,
        "local authentication failed",
        name,
        Vici.PEER + "[4500]",
        T0);
    assertThat(tracker.nextRetry()).contains(T0.plusSeconds(5));
    Instant t1 = T0.plusSeconds(5);
    tracker.initiated(id, t1);
    notify(
        ErrorNotifyType.LOCAL_AUTH_FAILED,
        "local authentication failed",
        name,
        Vici.PEER + "[4500]",
        t1);
    assertThat(tracker.nextRetry()).contains(t1.plusSeconds(10));
    Instant t2 = t1.plusSeconds(10);
    tracker.initiated(id, t2);
    notify(
        ErrorNotifyType.LOCAL_AUTH_FAILED,
        "local authentication failed",
        name,
        Vici.PEER + "[4500]",
        t2);
    assertThat(tracker.nextRetry()).contains(t2.plusSeconds(20));

    ikeUp(3, 4500, t2.plusSeconds(20));
    childUp(3, 1, 4500, t2.plusSeconds(20));
    assertThat(status(t2.plusSeconds(20)).state()).isEqualTo(ConnectionState.UP);
    assertThat(tracker.nextRetry()).as("a working tunnel resets the count").isEmpty();
  }

  @Test
  void aStrayAttemptFailingBesideAWorkingSaLeavesNoReasonBehind() {
    tracker.configured(spec, false);
    ikeUp(1, 4500, T0);
    childUp(1, 1, 4500, T0);
    // Behind a NAT the peer never answers on 500: this side's own attempt times out.
    notify(
        ErrorNotifyType.RETRANSMIT_SEND_TIMEOUT,
        "IKE message retransmission timed out",
        name,
        Vici.PEER + "[500]",
        T0);
    assertThat(status(T0).state()).isEqualTo(ConnectionState.UP);
    // Much later the peer closes the SA: the reason is not the old timeout.
    ikeDown(1, 4500, T0.plusSeconds(60));
    Reason later = status(T0.plusSeconds(60)).reason().orElseThrow();
    assertThat(later.code()).isEqualTo(ReasonCode.NOT_ESTABLISHED);
  }

  @Test
  void deadPeerDetectionIsTheReasonWhenTheEstablishedSaTimesOut() {
    tracker.configured(spec, false);
    ikeUp(1, 4500, T0);
    childUp(1, 1, 4500, T0);
    Instant dpd = T0.plusSeconds(30);
    notify(
        ErrorNotifyType.RETRANSMIT_SEND_TIMEOUT,
        "IKE message retransmission timed out",
        name,
        Vici.PEER + "[4500]",
        dpd);
    assertThat(status(dpd).state())
        .as("up until charon deletes the SA")
        .isEqualTo(ConnectionState.UP);
    ikeDown(1, 4500, dpd);
    ConnectionStatus down = status(dpd.plusMillis(5));
    assertThat(down.state()).isEqualTo(ConnectionState.DOWN);
    assertThat(down.reason().orElseThrow().code()).isEqualTo(ReasonCode.DEAD_PEER);
    assertThat(down.reason().orElseThrow().text()).contains(Vici.PEER + " port 4500");
  }

  @Test
  void anUnreachablePeerIsDownWithItsReason() {
    tracker.configured(spec, false);
    notify(
        ErrorNotifyType.RETRANSMIT_SEND_TIMEOUT,
        "IKE message retransmission timed out",
        name,
        Vici.PEER + "[500]",
        T0);
    notify(
        ErrorNotifyType.PEER_INIT_UNREACHABLE,
        "peer did not respond to initial message, try 1",
        name,
        Vici.PEER + "[500]",
        T0);
    ConnectionStatus down = status(T0);
    assertThat(down.state()).isEqualTo(ConnectionState.DOWN);
    assertThat(down.reason().orElseThrow().code()).isEqualTo(ReasonCode.PEER_UNREACHABLE);
    assertThat(tracker.nextRetry()).as("counted once").contains(T0.plusSeconds(5));
    notify(
        ErrorNotifyType.RETRANSMIT_CLEARED,
        "retransmission cleared",
        name,
        Vici.PEER + "[500]",
        T0);
    assertThat(status(T0).reason().orElseThrow().code()).isEqualTo(ReasonCode.NOT_ESTABLISHED);
  }

  @Test
  void notificationsFindTheirConnectionByNameOrPeerAddress() {
    tracker.configured(spec, false);
    assertThat(tracker.connectionsFor(new ErrorNotification(2, "x", name, "", ""), peers))
        .containsExactly(id);
    assertThat(
            tracker.connectionsFor(
                new ErrorNotification(8, "x", "", "", Vici.PEER + "[500]"), peers))
        .containsExactly(id);
    assertThat(
            tracker.connectionsFor(
                new ErrorNotification(8, "x", "other", "", Vici.PEER + "[500]"), peers))
        .isEmpty();
    assertThat(
            tracker.connectionsFor(new ErrorNotification(8, "x", "", "", "192.0.2.9[4500]"), peers))
        .isEmpty();
  }

  @Test
  void aChangedConnectionStartsAfresh() {
    tracker.configured(spec, false);
    notify(
        ErrorNotifyType.PEER_AUTH_FAILED,
        "peer authentication failed",
        name,
        Vici.PEER + "[4500]",
        T0);
    assertThat(tracker.nextRetry()).isPresent();
    ConnectionSpec changed =
        new ConnectionSpec(
            spec.connection().toBuilder().peerId("peer.example.org").build(), spec.localAddress());
    tracker.configured(changed, false);
    assertThat(tracker.nextRetry()).isEmpty();
    assertThat(status(T0).reason().orElseThrow().code()).isEqualTo(ReasonCode.NOT_ESTABLISHED);
    assertThat(tracker.dueForInitiation(id, T0)).isTrue();
  }

  @Test
  void aFailedChildOnAnEstablishedIkeSaIsRetriedOnThatSa() {
    tracker.configured(spec, false);
    tracker.initiated(id, T0);
    ikeUp(1, 4500, T0);
    notify(
        ErrorNotifyType.PROPOSAL_MISMATCH_CHILD,
        "the received CHILD_SA proposals did not match: ESP:AES_CBC_256/HMAC_SHA2_256_128/NO_EXT_SEQ",
        name,
        Vici.PEER + "[4500]",
        T0);
    notify(
        ErrorNotifyType.KEEP_ON_CHILD_SA_FAILURE,
        "keeping IKE_SA after failing to establish first CHILD_SA",
        name,
        Vici.PEER + "[4500]",
        T0);
    ConnectionStatus failed = status(T0);
    assertThat(failed.reason().orElseThrow().code()).isEqualTo(ReasonCode.NO_PROPOSAL_CHOSEN);
    assertThat(failed.ikeSas()).hasSize(1);
    assertThat(tracker.dueForInitiation(id, T0.plusSeconds(4))).isFalse();
    assertThat(tracker.dueForInitiation(id, T0.plusSeconds(5))).isTrue();
  }

  @Test
  void twoWorkingIkeSasBothCount() {
    tracker.configured(spec, false);
    tracker
        .table()
        .listed(
            List.of(
                SaParser.ike(
                        name,
                        Vici.ikeWith(
                            Vici.ike(1, "ESTABLISHED", true, 4500),
                            name,
                            Vici.child(name, 1, "INSTALLED", 100)),
                        T0)
                    .orElseThrow(),
                SaParser.ike(
                        name,
                        Vici.ikeWith(
                            Vici.ike(2, "ESTABLISHED", false, 4500),
                            name,
                            Vici.child(name, 2, "INSTALLED", 50)),
                        T0)
                    .orElseThrow()));
    ConnectionStatus up = status(T0);
    assertThat(up.ikeSas()).hasSize(2);
    assertThat(up.counters().bytesIn()).isEqualTo(150);
  }
}
