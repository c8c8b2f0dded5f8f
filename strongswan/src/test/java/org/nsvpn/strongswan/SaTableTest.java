package org.nsvpn.strongswan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.model.EncapsulationMode;
import org.nsvpn.chainrules.model.IkeVersion;
import org.nsvpn.chainrules.status.ChildSaStatus;
import org.nsvpn.chainrules.status.IkeSaStatus;
import org.nsvpn.strongswan.vici.ViciSection;
import org.nsvpn.strongswan.vici.ViciSession.Event;

/** list-sa parsing and the events' effect on the SA table, on messages shaped like charon's. */
class SaTableTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final String NAME = "nsvpn-00000000000000000000000000000001";

  private final SaTable table = new SaTable();

  @Test
  void parsesAListingStraightIntoTheModel() {
    ViciSection listing =
        Vici.listSa(
            NAME,
            Vici.ikeWith(
                Vici.ike(7, "ESTABLISHED", true, 4500),
                NAME,
                Vici.child(NAME, 3, "INSTALLED", 3084)));
    SaParser.Listed listed = SaParser.parse(listing, NOW).get(0);
    IkeSaStatus ike = listed.sa();
    assertThat(listed.config()).isEqualTo(NAME);
    assertThat(ike.uniqueId()).isEqualTo(7);
    assertThat(ike.version()).isEqualTo(IkeVersion.V2);
    assertThat(ike.localPort()).isEqualTo(4500);
    assertThat(ike.remoteAddress().toString()).isEqualTo(Vici.PEER);
    assertThat(ike.initiatorSpi()).isEqualTo(0x1122334455660007L);
    assertThat(ike.natDetected()).isTrue();
    assertThat(ike.proposal().orElseThrow())
        .hasToString("AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048");
    assertThat(ike.establishedAt()).contains(NOW.minusSeconds(60));
    assertThat(ike.rekeyAt()).contains(NOW.plusSeconds(9000));
    ChildSaStatus child = ike.childSas().get(0);
    assertThat(child.isInstalled()).isTrue();
    assertThat(child.requestId()).isEqualTo(1);
    assertThat(child.mode()).isEqualTo(EncapsulationMode.TUNNEL);
    assertThat(child.spiIn()).isEqualTo(0xc1000003L);
    assertThat(child.proposal().orElseThrow()).hasToString("AES_CBC-256/HMAC_SHA2_256_128");
    assertThat(child.counters().bytesIn()).isEqualTo(3084);
    assertThat(child.counters().lastInbound()).contains(NOW.minusSeconds(2));
    assertThat(child.localTs()).containsExactly("10.1.0.0/24");
    assertThat(child.expiresAt()).contains(NOW.plusSeconds(3500));
  }

  @Test
  void anSaThatDoesNotParseIsLeftOutNotTheWholeListing() {
    ViciSection bad =
        Vici.ike(8, "ESTABLISHED", true, 500, java.util.Map.of("remote-host", "%any6?")).build();
    ViciSection listing =
        ViciSection.builder()
            .put(NAME, bad)
            .put("other", Vici.ike(9, "CONNECTING", true, 500).build())
            .build();
    assertThat(SaParser.parse(listing, NOW)).extracting(l -> l.sa().uniqueId()).containsExactly(9L);
  }

  @Test
  void eventsKeepTheTableCurrent() {
    long before = table.generation();
    table.apply(
        Event.IKE_UPDOWN,
        Vici.event(true, NAME, Vici.ike(1, "ESTABLISHED", true, 4500).build()),
        NOW);
    assertThat(table.generation()).isGreaterThan(before);
    assertThat(table.of(NAME)).hasSize(1);
    assertThat(table.of(NAME).get(0).childSas()).isEmpty();

    table.apply(
        Event.CHILD_UPDOWN,
        Vici.event(
            true,
            NAME,
            Vici.ikeWith(
                Vici.ike(1, "ESTABLISHED", true, 4500), NAME, Vici.child(NAME, 1, "INSTALLED", 0))),
        NOW);
    assertThat(installed(table.of(NAME).get(0))).containsExactly(1L);

    // Child rekey: old REKEYED stays until deleted, new INSTALLED joins.
    ViciSection pair =
        ViciSection.builder()
            .put("old", Vici.child(NAME, 1, "REKEYED", 252))
            .put("new", Vici.child(NAME, 2, "INSTALLED", 0))
            .build();
    table.apply(
        Event.CHILD_REKEY,
        Vici.event(
            false,
            NAME,
            Vici.ike(1, "ESTABLISHED", true, 4500)
                .put("child-sas", ViciSection.builder().put(NAME, pair).build())
                .build()),
        NOW);
    assertThat(table.of(NAME).get(0).childSas())
        .extracting(ChildSaStatus::uniqueId)
        .containsExactly(1L, 2L);
    assertThat(installed(table.of(NAME).get(0))).containsExactly(2L);
    table.apply(
        Event.CHILD_UPDOWN,
        Vici.event(
            false,
            NAME,
            Vici.ikeWith(
                Vici.ike(1, "ESTABLISHED", true, 4500),
                NAME,
                Vici.child(NAME, 1, "DELETING", 252))),
        NOW);
    assertThat(table.of(NAME).get(0).childSas())
        .extracting(ChildSaStatus::uniqueId)
        .containsExactly(2L);

    // IKE rekey: neither SA of the event lists children; they move to the new one.
    table.apply(
        Event.IKE_REKEY,
        Vici.event(
            false,
            NAME,
            ViciSection.builder()
                .put("old", Vici.ike(1, "REKEYING", true, 4500).build())
                .put("new", Vici.ike(2, "ESTABLISHED", true, 4500).build())
                .build()),
        NOW);
    assertThat(table.of(NAME)).extracting(IkeSaStatus::uniqueId).containsExactly(2L);
    assertThat(installed(table.of(NAME).get(0))).containsExactly(2L);

    // Down: the IKE SA first, then its child, which is then unknown and harmless.
    List<SaParser.Listed> gone =
        table.apply(
            Event.IKE_UPDOWN,
            Vici.event(false, NAME, Vici.ike(2, "ESTABLISHED", true, 4500).build()),
            NOW);
    assertThat(gone).extracting(l -> l.sa().uniqueId()).containsExactly(2L);
    assertThat(gone.get(0).sa().childSas()).as("what it had when it went").hasSize(1);
    table.apply(
        Event.CHILD_UPDOWN,
        Vici.event(
            false,
            NAME,
            Vici.ikeWith(
                Vici.ike(2, "ESTABLISHED", true, 4500), NAME, Vici.child(NAME, 2, "DELETING", 0))),
        NOW);
    assertThat(table.of(NAME)).isEmpty();
  }

  @Test
  void aListingReplacesEverythingAndFiltersChildrenByConfig() {
    table.apply(
        Event.IKE_UPDOWN,
        Vici.event(true, NAME, Vici.ike(1, "ESTABLISHED", true, 500).build()),
        NOW);
    table.listed(
        SaParser.parse(
            Vici.listSa(
                NAME,
                Vici.ikeWith(
                    Vici.ike(5, "ESTABLISHED", false, 500),
                    NAME,
                    Vici.child(NAME, 9, "INSTALLED", 0),
                    Vici.child("someone-else", 10, "INSTALLED", 0))),
            NOW));
    assertThat(table.of(NAME)).extracting(IkeSaStatus::uniqueId).containsExactly(5L);
    assertThat(table.of(NAME).get(0).childSas())
        .extracting(ChildSaStatus::uniqueId)
        .containsExactly(9L);
  }

  @Test
  void theTrafficOfChildSasThatAreGoneIsKept() {
    table.listed(
        SaParser.parse(
            Vici.listSa(
                NAME,
                onIke1(Vici.child(NAME, 1, "REKEYED", 1000), Vici.child(NAME, 2, "INSTALLED", 10))),
            NOW));
    assertThat(table.retired(NAME).bytesIn()).isZero();
    // The rekeyed child SA is deleted without an event: the next listing no longer has it.
    table.listed(
        SaParser.parse(Vici.listSa(NAME, onIke1(Vici.child(NAME, 2, "INSTALLED", 20))), NOW));
    assertThat(table.retired(NAME).bytesIn()).isEqualTo(1000);
    // A child SA closed with an event counts with the event's final counters.
    childUpdown(false, Vici.child(NAME, 2, "DELETING", 25));
    assertThat(table.retired(NAME).bytesIn()).isEqualTo(1025);
    // The IKE SA goes down with its children at last known counters; their own down events
    // follow with the final counters, which replace those. Then charon is gone.
    childUpdown(true, Vici.child(NAME, 3, "INSTALLED", 5));
    table.apply(
        Event.IKE_UPDOWN,
        Vici.event(false, NAME, Vici.ike(1, "ESTABLISHED", true, 4500).build()),
        NOW);
    assertThat(table.retired(NAME).bytesIn()).isEqualTo(1030);
    childUpdown(false, Vici.child(NAME, 3, "DELETING", 7));
    assertThat(table.retired(NAME).bytesIn()).as("final counters, not twice").isEqualTo(1032);
    table.clear();
    assertThat(table.retired(NAME).bytesIn()).isEqualTo(1032);
    table.keepRetiredOf(Set.of(NAME));
    assertThat(table.retired(NAME).bytesIn()).as("a tracked config keeps it").isEqualTo(1032);
    table.keepRetiredOf(Set.of());
    assertThat(table.retired(NAME).bytesIn()).as("an untracked config's is dropped").isZero();
  }

  /** Established IKE SA #1 of {@link #NAME} with {@code children}. */
  private static ViciSection onIke1(ViciSection... children) {
    return Vici.ikeWith(Vici.ike(1, "ESTABLISHED", true, 4500), NAME, children);
  }

  private void childUpdown(boolean up, ViciSection child) {
    table.apply(Event.CHILD_UPDOWN, Vici.event(up, NAME, onIke1(child)), NOW);
  }

  private static List<Long> installed(IkeSaStatus sa) {
    return sa.installedChildren().stream().map(ChildSaStatus::uniqueId).toList();
  }
}
