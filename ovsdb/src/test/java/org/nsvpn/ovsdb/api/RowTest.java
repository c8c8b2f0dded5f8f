package org.nsvpn.ovsdb.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Typed access to rows, and the small value types of the API. */
class RowTest {
  private static final UUID U = UUID.fromString("5de2098d-0609-4471-bb40-95aa3e2ceab7");

  @Test
  void optionalColumnsArriveAsEmptySetsOrBareAtoms() {
    Row row =
        Row.builder()
            .put("unset", SetValue.empty())
            .put("set", "x")
            .put("wrapped", SetValue.of(Atom.integer(5)))
            .put("refs", Atom.uuid(U))
            .put("_uuid", Atom.uuid(U))
            .putMap("m", Map.of("k", "v"))
            .build();
    assertThat(row.optionalString("unset")).isEmpty();
    assertThat(row.optionalString("set")).contains("x");
    assertThat(row.integer("wrapped")).isEqualTo(5);
    assertThat(row.uuidSet("refs")).containsExactly(U);
    assertThat(row.uuid()).isEqualTo(U);
    assertThat(row.stringMap("m")).containsExactly(Map.entry("k", "v"));
  }

  @Test
  void aValueOfTheWrongShapeNamesTheColumn() {
    Row row = Row.builder().put("n", 1).put("many", SetValue.ofStrings(List.of("a", "b"))).build();
    assertThatThrownBy(() -> row.string("n"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("column 'n'");
    assertThatThrownBy(() -> row.optionalString("many")).hasMessageContaining("column 'many'");
    assertThatThrownBy(() -> row.string("absent")).hasMessageContaining("not in the row");
    assertThatThrownBy(() -> row.stringMap("n")).hasMessageContaining("expected a map");
  }

  @Test
  void mergeLaysAModifyOverARow() {
    Row base = Row.builder().put("a", 1).put("b", 2).build();
    assertThat(base.merge(Row.builder().put("b", 3).build()))
        .isEqualTo(Row.builder().put("a", 1).put("b", 3).build());
  }

  @Test
  void valuesRefuseWhatRfc7047Forbids() {
    assertThatThrownBy(() -> Atom.namedUuid("1bad")).hasMessageContaining("named-uuid");
    assertThatThrownBy(() -> Atom.real(Double.NaN)).hasMessageContaining("finite");
    assertThatThrownBy(() -> new RowUpdate(U, Optional.empty(), Optional.empty()))
        .hasMessageContaining("neither old nor new");
  }

  @Test
  void endpointsParseLikeOvsdbClient() {
    assertThat(OvsdbEndpoint.parse("unix:/run/db.sock"))
        .isEqualTo(new OvsdbEndpoint.Unix(Path.of("/run/db.sock")));
    assertThat(OvsdbEndpoint.parse("tcp:127.0.0.1:6640"))
        .isEqualTo(new OvsdbEndpoint.Tcp("127.0.0.1", 6640));
    assertThat(OvsdbEndpoint.parse("tcp:[2001:db8::1]:6640"))
        .isEqualTo(new OvsdbEndpoint.Tcp("2001:db8::1", 6640));
    assertThat(new OvsdbEndpoint.Tcp("2001:db8::1", 6640).toString())
        .isEqualTo("tcp:[2001:db8::1]:6640");
    assertThatThrownBy(() -> OvsdbEndpoint.parse("ssl:1.2.3.4:6640"))
        .hasMessageContaining("expected unix:PATH or tcp:HOST:PORT");
    assertThatThrownBy(() -> OvsdbEndpoint.parse("tcp:host:99999")).hasMessageContaining("port");
  }

  @Test
  void optionsRefuseNonsense() {
    assertThatThrownBy(
            () -> OvsdbClientOptions.defaults().withRequestTimeout(java.time.Duration.ZERO))
        .hasMessageContaining("request-timeout");
    assertThatThrownBy(
            () ->
                OvsdbClientOptions.defaults()
                    .withReconnectDelays(
                        java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(1)))
        .hasMessageContaining("reconnect-max-delay");
  }
}
