package org.nsvpn.chainrules.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.model.EncapsulationMode;
import org.nsvpn.chainrules.model.IkeVersion;
import org.nsvpn.chainrules.model.TransformProtocol;
import org.nsvpn.chainrules.net.IpAddress;

class ConnectionStatusTest {
  private static final IpsecSiteConnectionId ID = new IpsecSiteConnectionId(new UUID(1, 2));
  private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

  static ChildSaStatus child(long id, String state, long bytesIn) {
    return new ChildSaStatus(
        "c",
        id,
        1,
        state,
        EncapsulationMode.TUNNEL,
        TransformProtocol.ESP,
        false,
        0xc0000000L + id,
        0xd0000000L + id,
        Optional.empty(),
        List.of("10.1.0.0/24"),
        List.of("10.2.0.0/24"),
        new SaCounters(
            bytesIn, 1, 2 * bytesIn, 2, Optional.empty(), Optional.of(T0.plusSeconds(id))),
        Optional.of(T0),
        Optional.empty(),
        Optional.empty());
  }

  static IkeSaStatus ike(long id, String state, ChildSaStatus... children) {
    return new IkeSaStatus(
        id,
        state,
        IkeVersion.V2,
        IpAddress.parse("203.0.113.1"),
        500,
        IpAddress.parse("198.51.100.2"),
        500,
        "a",
        "b",
        true,
        id,
        id + 100,
        Optional.empty(),
        false,
        Optional.of(T0),
        Optional.empty(),
        Optional.empty(),
        List.of(children));
  }

  @Test
  void upNeedsAnInstalledChildSaOnAnEstablishedIkeSa() {
    assertThatThrownBy(() -> ConnectionStatus.up(ID, List.of(ike(1, "ESTABLISHED")), T0))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("installed child SA");
    assertThatThrownBy(
            () ->
                ConnectionStatus.up(
                    ID, List.of(ike(1, "CONNECTING", child(1, "INSTALLED", 0))), T0))
        .isInstanceOf(InvalidValueException.class);
    assertThatThrownBy(
            () ->
                ConnectionStatus.up(
                    ID, List.of(ike(1, "ESTABLISHED", child(1, "INSTALLING", 0))), T0))
        .isInstanceOf(InvalidValueException.class);
    ConnectionStatus up =
        ConnectionStatus.up(ID, List.of(ike(1, "ESTABLISHED", child(1, "INSTALLED", 0))), T0);
    assertThat(up.state()).isEqualTo(ConnectionState.UP);
    assertThat(up.reason()).isEmpty();
  }

  @Test
  void theReasonDecidesTheState() {
    assertThat(
            ConnectionStatus.notUp(ID, Reason.of(ReasonCode.AUTHENTICATION_FAILED), List.of(), T0)
                .state())
        .isEqualTo(ConnectionState.ERROR);
    assertThat(ConnectionStatus.notUp(ID, Reason.of(ReasonCode.DEAD_PEER), List.of(), T0).state())
        .isEqualTo(ConnectionState.DOWN);
    assertThat(
            ConnectionStatus.notUp(
                    ID, Reason.of(ReasonCode.NO_CHILD_SA), List.of(ike(1, "ESTABLISHED")), T0)
                .state())
        .isEqualTo(ConnectionState.CONNECTING);
  }

  @Test
  void countersSumEveryChildSaOfEveryIkeSaOnce() {
    ConnectionStatus rekeying =
        ConnectionStatus.up(
            ID,
            List.of(
                ike(2, "ESTABLISHED", child(3, "INSTALLED", 10), child(2, "REKEYED", 1000)),
                ike(1, "ESTABLISHED", child(1, "INSTALLED", 7))),
            T0);
    SaCounters sum = rekeying.counters();
    assertThat(sum.bytesIn()).isEqualTo(1017);
    assertThat(sum.bytesOut()).isEqualTo(2034);
    assertThat(sum.packetsIn()).isEqualTo(3);
    assertThat(sum.lastOutbound()).contains(T0.plusSeconds(3));
    assertThat(rekeying.currentChildSa().orElseThrow().uniqueId()).isEqualTo(3);

    SaCounters gone = new SaCounters(5000, 5, 6000, 6, Optional.empty(), Optional.empty());
    assertThat(rekeying.withRetired(gone).counters().bytesIn())
        .as("child SAs that are gone still count")
        .isEqualTo(6017);
    assertThat(rekeying.withRetired(gone).sameSituationAs(rekeying)).isTrue();
  }

  @Test
  void orderingPutsTheSaThatCarriesTrafficFirst() {
    IkeSaStatus working = ike(1, "ESTABLISHED", child(1, "INSTALLED", 0));
    IkeSaStatus newerButConnecting = ike(5, "CONNECTING");
    IkeSaStatus newerEstablishedNoChild = ike(4, "ESTABLISHED");
    assertThat(
            ConnectionStatus.ordered(List.of(newerButConnecting, working, newerEstablishedNoChild)))
        .containsExactly(working, newerEstablishedNoChild, newerButConnecting);
  }

  @Test
  void situationIgnoresCountersAndTimes() {
    ConnectionStatus a =
        ConnectionStatus.up(ID, List.of(ike(1, "ESTABLISHED", child(1, "INSTALLED", 0))), T0);
    ConnectionStatus moreTraffic =
        ConnectionStatus.up(
            ID, List.of(ike(1, "ESTABLISHED", child(1, "INSTALLED", 99))), T0.plusSeconds(9));
    ConnectionStatus rekeyed =
        ConnectionStatus.up(ID, List.of(ike(1, "ESTABLISHED", child(2, "INSTALLED", 0))), T0);
    assertThat(a.sameSituationAs(moreTraffic)).isTrue();
    assertThat(a.sameSituationAs(rekeyed)).isFalse();
    assertThat(
            a.sameSituationAs(
                ConnectionStatus.notUp(ID, Reason.of(ReasonCode.DEAD_PEER), List.of(), T0)))
        .isFalse();
  }

  @Test
  void reasonsAreOneLine() {
    assertThat(Reason.of(ReasonCode.PEER_UNREACHABLE, "no answer\nfrom 198.51.100.2").text())
        .isEqualTo("peer unreachable: no answer from 198.51.100.2");
    assertThat(Reason.of(ReasonCode.OTHER, "x".repeat(5000)).text()).hasSize(Reason.MAX_TEXT);
    assertThatThrownBy(() -> new Reason(ReasonCode.OTHER, "a\nb"))
        .isInstanceOf(InvalidValueException.class);
  }
}
