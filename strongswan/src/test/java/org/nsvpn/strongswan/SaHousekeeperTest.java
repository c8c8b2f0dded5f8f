package org.nsvpn.strongswan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.status.IkeSaStatus;
import org.nsvpn.strongswan.vici.ViciSection;

/** Which extra SAs go, and that both ends of a crossing pick the same one. */
class SaHousekeeperTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final String NAME = "nsvpn-00000000000000000000000000000001";

  /**
   * An IKE SA with initiator SPI {@code spi} as one end sees it (its own unique id, whether it
   * initiated), established {@code age} seconds ago by that end's clock, with one installed child.
   */
  private static IkeSaStatus sa(long id, boolean initiator, long age, long spi) {
    ViciSection.Builder ike =
        Vici.ike(
            id,
            "ESTABLISHED",
            initiator,
            4500,
            Map.of(
                "established", Long.toString(age),
                "initiator-spi", String.format("%016x", spi)));
    return SaParser.ike(NAME, Vici.ikeWith(ike, NAME, Vici.child(NAME, id, "INSTALLED", 0)), NOW)
        .orElseThrow()
        .sa();
  }

  @Test
  void nothingHappensToASingleSaOrToYoungOnes() {
    assertThat(
            SaHousekeeper.decide(List.of(sa(1, true, 60, 0xa1)), SaHousekeeper.Superseded.NONE, NOW)
                .isEmpty())
        .isTrue();
    List<IkeSaStatus> young = List.of(sa(1, true, 1, 0xa1), sa(2, false, 1, 0xb2));
    assertThat(SaHousekeeper.decide(young, SaHousekeeper.Superseded.NONE, NOW).isEmpty()).isTrue();
  }

  @Test
  void ofACrossingTheInitiatorOfTheSaThatGoesDeletesItAndThePeerOnlyAfterAGrace() {
    // SA X (initiator SPI 0x5000) initiated by end A, SA Y (0x9000) by end B, a moment apart;
    // each end has its own unique ids, and whole seconds from its own clock.
    for (long[] ages : new long[][] {{3, 3}, {3, 4}, {4, 3}}) {
      List<IkeSaStatus> atA = List.of(sa(1, true, ages[0], 0x5000), sa(2, false, ages[1], 0x9000));
      List<IkeSaStatus> atB = List.of(sa(7, false, ages[1], 0x5000), sa(8, true, ages[0], 0x9000));
      SaHousekeeper.Decision a = SaHousekeeper.decide(atA, SaHousekeeper.Superseded.NONE, NOW);
      SaHousekeeper.Decision b = SaHousekeeper.decide(atB, SaHousekeeper.Superseded.NONE, NOW);
      assertThat(a.ikeSas()).as("end A, which initiated X, drops it").containsExactly(1L);
      assertThat(b.ikeSas()).as("end B waits for A's DELETE").isEmpty();
    }
    // Should A's DELETE never come (a stock peer, or lost), B drops X after the grace.
    long late = SaHousekeeper.SETTLE.plus(SaHousekeeper.RESPONDER_GRACE).toSeconds() + 1;
    List<IkeSaStatus> atB = List.of(sa(7, false, late, 0x5000), sa(8, true, late, 0x9000));
    assertThat(SaHousekeeper.decide(atB, SaHousekeeper.Superseded.NONE, NOW).ikeSas())
        .as("end B drops X after the grace")
        .containsExactly(7L);
  }

  @Test
  void anEndThatRestartedKeepsItsNewSaAndThePeerDropsTheOldOne() {
    // The old SA has the higher SPI, but it is long established: the new one stays.
    List<IkeSaStatus> atPeer = List.of(sa(3, true, 600, 0xffff), sa(9, false, 10, 0x1000));
    assertThat(SaHousekeeper.decide(atPeer, SaHousekeeper.Superseded.NONE, NOW).ikeSas())
        .containsExactly(3L);
  }

  @Test
  void supersededSasGoOnceTheNewOneWorksOrTheNewConfigurationFailed() {
    IkeSaStatus old = sa(1, true, 600, 0xa1);
    SaHousekeeper.Superseded superseded =
        new SaHousekeeper.Superseded(Set.of(1L), Set.of(1L), false);
    SaHousekeeper.Decision waiting = SaHousekeeper.decide(List.of(old), superseded, NOW);
    assertThat(waiting.isEmpty()).isTrue();
    assertThat(waiting.supersededDone()).isFalse();

    IkeSaStatus fresh = sa(2, true, 0, 0xa2);
    SaHousekeeper.Decision replaced = SaHousekeeper.decide(List.of(fresh, old), superseded, NOW);
    assertThat(replaced.ikeSas()).containsExactly(1L);
    assertThat(replaced.supersededDone()).isTrue();

    SaHousekeeper.Decision failed =
        SaHousekeeper.decide(
            List.of(old), new SaHousekeeper.Superseded(Set.of(1L), Set.of(1L), true), NOW);
    assertThat(failed.ikeSas()).containsExactly(1L);
  }

  @Test
  void aNewChildInTheSameIkeSaReplacesOnlyTheOldChild() {
    ViciSection.Builder ike = Vici.ike(1, "ESTABLISHED", true, 4500, Map.of("established", "600"));
    IkeSaStatus both =
        SaParser.ike(
                NAME,
                Vici.ikeWith(
                    ike,
                    NAME,
                    Vici.child(NAME, 1, "INSTALLED", 0),
                    Vici.child(NAME, 2, "INSTALLED", 0)),
                NOW)
            .orElseThrow()
            .sa();
    SaHousekeeper.Decision d =
        SaHousekeeper.decide(
            List.of(both), new SaHousekeeper.Superseded(Set.of(1L), Set.of(1L), false), NOW);
    assertThat(d.ikeSas()).isEmpty();
    assertThat(d.childSas()).containsExactly(1L);
  }
}
