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

  /** An IKE SA established {@code age} seconds ago, with one installed child. */
  private static IkeSaStatus sa(long id, boolean initiator, long age, String local, String remote) {
    ViciSection.Builder ike =
        Vici.ike(
            id,
            "ESTABLISHED",
            initiator,
            4500,
            Map.of(
                "established",
                Long.toString(age),
                "local-id",
                local,
                "remote-id",
                remote,
                "initiator-spi",
                String.format("%016x", 0x1000L * id + (initiator ? 1 : 2))));
    return SaParser.ike(NAME, Vici.ikeWith(ike, NAME, Vici.child(NAME, id, "INSTALLED", 0)), NOW)
        .orElseThrow()
        .sa();
  }

  @Test
  void nothingHappensToASingleSaOrToYoungOnes() {
    assertThat(
            SaHousekeeper.decide(
                    List.of(sa(1, true, 60, "a", "b")), SaHousekeeper.Superseded.NONE, NOW)
                .isEmpty())
        .isTrue();
    List<IkeSaStatus> young = List.of(sa(1, true, 1, "a", "b"), sa(2, false, 1, "a", "b"));
    assertThat(SaHousekeeper.decide(young, SaHousekeeper.Superseded.NONE, NOW).isEmpty()).isTrue();
  }

  @Test
  void bothEndsOfACrossingDropTheSameSa() {
    // End "a" initiated one SA and answered the other; end "b" sees the mirror image.
    // The SA initiated by "a" (the lower identity) is the one to drop, on both ends.
    List<IkeSaStatus> atA = List.of(sa(1, true, 10, "a", "b"), sa(2, false, 10, "a", "b"));
    List<IkeSaStatus> atB = List.of(sa(7, false, 10, "b", "a"), sa(8, true, 11, "b", "a"));
    SaHousekeeper.Decision a = SaHousekeeper.decide(atA, SaHousekeeper.Superseded.NONE, NOW);
    SaHousekeeper.Decision b = SaHousekeeper.decide(atB, SaHousekeeper.Superseded.NONE, NOW);
    assertThat(a.ikeSas()).containsExactly(1L);
    assertThat(b.ikeSas()).containsExactly(7L);
  }

  @Test
  void anEndThatRestartedKeepsItsNewSaAndThePeerDropsTheOldOne() {
    List<IkeSaStatus> atPeer = List.of(sa(3, true, 600, "b", "a"), sa(9, false, 10, "b", "a"));
    assertThat(SaHousekeeper.decide(atPeer, SaHousekeeper.Superseded.NONE, NOW).ikeSas())
        .containsExactly(3L);
  }

  @Test
  void supersededSasGoOnceTheNewOneWorksOrTheNewConfigurationFailed() {
    IkeSaStatus old = sa(1, true, 600, "a", "b");
    SaHousekeeper.Superseded superseded =
        new SaHousekeeper.Superseded(Set.of(1L), Set.of(1L), false);
    SaHousekeeper.Decision waiting = SaHousekeeper.decide(List.of(old), superseded, NOW);
    assertThat(waiting.isEmpty()).isTrue();
    assertThat(waiting.supersededDone()).isFalse();

    IkeSaStatus fresh = sa(2, true, 0, "a", "b");
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
