package org.nsvpn.ovsdb.ipsec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nsvpn.ovsdb.api.Atom;
import org.nsvpn.ovsdb.api.MapValue;
import org.nsvpn.ovsdb.api.Mutation;
import org.nsvpn.ovsdb.api.SetValue;

/** The minimal delete+insert that turns one status map into another. */
class ReplaceEntriesTest {

  /** Applies mutations the way ovsdb-server does: delete by key, then insert only new keys. */
  private static Map<String, String> apply(Map<String, String> map, List<Mutation> mutations) {
    Map<String, String> out = new LinkedHashMap<>(map);
    for (Mutation m : mutations) {
      if (m.mutator() == Mutation.Mutator.DELETE) {
        ((SetValue) m.value())
            .elements()
            .forEach(k -> out.remove(((org.nsvpn.ovsdb.api.StringAtom) k).value()));
      } else {
        ((MapValue) m.value())
            .entries()
            .forEach(
                (k, v) ->
                    out.putIfAbsent(
                        ((org.nsvpn.ovsdb.api.StringAtom) k).value(),
                        ((org.nsvpn.ovsdb.api.StringAtom) v).value()));
      }
    }
    return out;
  }

  @Test
  void onlyChangedEntriesTravelAndTheResultIsTheNewMap() {
    Map<String, String> before = Map.of("a", "1", "b", "2", "gone", "x");
    Map<String, String> after = Map.of("a", "1", "b", "3", "new", "y");
    List<Mutation> m = OvsdbStatusPublisher.replaceEntries("s", before, after);
    assertThat(m).hasSize(2);
    assertThat(((SetValue) m.get(0).value()).elements())
        .containsExactlyInAnyOrder(Atom.string("b"), Atom.string("gone"));
    assertThat(((MapValue) m.get(1).value()).entries())
        .containsOnlyKeys(Atom.string("b"), Atom.string("new"));
    assertThat(apply(before, m)).isEqualTo(after);
  }

  @Test
  void countersOnlyChangeTheCounterKeys() {
    Map<String, String> before = Snapshots.sa(5, 0, 1).statusMap();
    Map<String, String> after = Snapshots.sa(5, 0, 2).statusMap();
    List<Mutation> m = OvsdbStatusPublisher.replaceEntries("s", before, after);
    assertThat(((MapValue) m.get(1).value()).entries())
        .containsOnlyKeys(Atom.string("sa_data_bytes"), Atom.string("sa_data_packets"));
    assertThat(apply(before, m)).isEqualTo(after);
    assertThat(OvsdbStatusPublisher.replaceEntries("s", Map.of("k", "v"), Map.of())).hasSize(1);
  }
}
