package org.nsvpn.ovsdb.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.nsvpn.ovsdb.api.Atom;
import org.nsvpn.ovsdb.api.Condition;
import org.nsvpn.ovsdb.api.MapValue;
import org.nsvpn.ovsdb.api.MonitorRequest;
import org.nsvpn.ovsdb.api.Mutation;
import org.nsvpn.ovsdb.api.Operation;
import org.nsvpn.ovsdb.api.OperationResult;
import org.nsvpn.ovsdb.api.OvsdbProtocolException;
import org.nsvpn.ovsdb.api.OvsdbTransactionException;
import org.nsvpn.ovsdb.api.Row;
import org.nsvpn.ovsdb.api.RowUpdate;
import org.nsvpn.ovsdb.api.SetValue;
import org.nsvpn.ovsdb.api.TableUpdates;
import org.nsvpn.ovsdb.api.TransactResult;
import org.nsvpn.ovsdb.api.Value;

/** RFC 7047 notation and message shapes, both ways. */
class OvsdbJsonTest {
  private static final UUID U = UUID.fromString("be734895-d909-4739-a080-6e826532183c");

  /** JSON equality by text: Jackson's int and long nodes differ as objects, not on the wire. */
  private static final java.util.Comparator<Object> SAME_JSON =
      (a, b) -> a.toString().equals(b.toString()) ? 0 : 1;

  private static JsonNode json(String text) throws Exception {
    return OvsdbJson.MAPPER.readTree(text);
  }

  @Test
  void atomsSetsAndMapsRoundTrip() throws Exception {
    Map<Atom, Atom> entries = new LinkedHashMap<>();
    entries.put(Atom.string("k"), Atom.integer(-7));
    entries.put(Atom.integer(1), Atom.uuid(U));
    List<Value> values =
        List.of(
            Atom.string("a \"quoted\" \u00e9"),
            Atom.integer(Long.MAX_VALUE),
            Atom.real(2.5),
            Atom.bool(true),
            Atom.uuid(U),
            Atom.namedUuid("row_1"),
            SetValue.empty(),
            SetValue.of(Atom.string("x"), Atom.string("y")),
            MapValue.empty(),
            new MapValue(entries));
    for (Value v : values) {
      assertThat(OvsdbJson.decodeValue(OvsdbJson.encode(v))).as(v.toString()).isEqualTo(v);
    }
    assertThat((Object) OvsdbJson.encode(Atom.uuid(U)).toString())
        .isEqualTo("[\"uuid\",\"" + U + "\"]");
    assertThat((Object) OvsdbJson.encode(new MapValue(entries)).toString())
        .isEqualTo("[\"map\",[[\"k\",-7],[1,[\"uuid\",\"" + U + "\"]]]]");
  }

  @Test
  void malformedValuesAreProtocolErrorsThatSayWhatIsWrong() {
    assertThatThrownBy(() -> OvsdbJson.decodeValue(json("[\"uuid\",\"not-a-uuid\"]")))
        .isInstanceOf(OvsdbProtocolException.class)
        .hasMessageContaining("malformed uuid");
    assertThatThrownBy(() -> OvsdbJson.decodeValue(json("{\"a\":1}")))
        .hasMessageContaining("not an OVSDB atom");
    assertThatThrownBy(() -> OvsdbJson.decodeValue(json("99999999999999999999")))
        .hasMessageContaining("64-bit");
    assertThatThrownBy(() -> OvsdbJson.decodeValue(json("[\"map\",[[1]]]")))
        .hasMessageContaining("[key, value] pair");
    assertThatThrownBy(() -> OvsdbJson.decodeValue(json("[\"set\",{}]")))
        .hasMessageContaining("set elements is not an array");
  }

  @Test
  void everyOperationHasItsRfcShape() throws Exception {
    Row row = Row.builder().put("spi", 300).putMap("m", Map.of("a", "b")).build();
    List<Condition> where = List.of(Condition.uuidIs(U), Condition.equal("spi", 300));
    assertThat((Object) OvsdbJson.encode(Operation.insert("T", row, "n1")))
        .usingComparator(SAME_JSON)
        .isEqualTo(
            json(
                "{\"op\":\"insert\",\"table\":\"T\",\"row\":{\"spi\":300,\"m\":[\"map\",[[\"a\",\"b\"]]]},\"uuid-name\":\"n1\"}"));
    assertThat((Object) OvsdbJson.encode(Operation.select("T", where, List.of("spi"))))
        .usingComparator(SAME_JSON)
        .isEqualTo(
            json(
                "{\"op\":\"select\",\"table\":\"T\",\"where\":[[\"_uuid\",\"==\",[\"uuid\",\""
                    + U
                    + "\"]],[\"spi\",\"==\",300]],\"columns\":[\"spi\"]}"));
    assertThat((Object) OvsdbJson.encode(Operation.update("T", List.of(), row)).get("row"))
        .isEqualTo(OvsdbJson.encodeRow(row));
    assertThat(
            OvsdbJson.encode(
                Operation.mutate(
                    "T",
                    List.of(),
                    List.of(
                        Mutation.delete("m", SetValue.ofStrings(List.of("a"))),
                        new Mutation("spi", Mutation.Mutator.ADD, Atom.integer(1))))))
        .usingComparator(SAME_JSON)
        .isEqualTo(
            json(
                "{\"op\":\"mutate\",\"table\":\"T\",\"where\":[],\"mutations\":[[\"m\",\"delete\",[\"set\",[\"a\"]]],[\"spi\",\"+=\",1]]}"));
    assertThat((Object) OvsdbJson.encode(Operation.delete("T", List.of())))
        .usingComparator(SAME_JSON)
        .usingComparator(SAME_JSON)
        .isEqualTo(json("{\"op\":\"delete\",\"table\":\"T\",\"where\":[]}"));
    assertThat(
            OvsdbJson.encode(
                new Operation.Wait(
                    "T",
                    List.of(),
                    List.of("spi"),
                    Operation.Wait.Until.NOT_EQUAL,
                    List.of(row),
                    OptionalLong.of(0))))
        .usingComparator(SAME_JSON)
        .isEqualTo(
            json(
                "{\"op\":\"wait\",\"table\":\"T\",\"where\":[],\"columns\":[\"spi\"],\"until\":\"!=\",\"rows\":[{\"spi\":300,\"m\":[\"map\",[[\"a\",\"b\"]]]}],\"timeout\":0}"));
    assertThat((Object) OvsdbJson.encode(Operation.commit(true)))
        .usingComparator(SAME_JSON)
        .usingComparator(SAME_JSON)
        .isEqualTo(json("{\"op\":\"commit\",\"durable\":true}"));
    assertThat((Object) OvsdbJson.encode(Operation.abort()))
        .usingComparator(SAME_JSON)
        .usingComparator(SAME_JSON)
        .isEqualTo(json("{\"op\":\"abort\"}"));
    assertThat((Object) OvsdbJson.encode(Operation.comment("hi")))
        .usingComparator(SAME_JSON)
        .usingComparator(SAME_JSON)
        .isEqualTo(json("{\"op\":\"comment\",\"comment\":\"hi\"}"));
    assertThat((Object) OvsdbJson.encode(Operation.assertLock("l")))
        .usingComparator(SAME_JSON)
        .usingComparator(SAME_JSON)
        .isEqualTo(json("{\"op\":\"assert\",\"lock\":\"l\"}"));
  }

  @Test
  void transactResultsAreTypedPerOperation() throws Exception {
    List<Operation> ops =
        List.of(
            Operation.insert("T", Row.builder().build()),
            Operation.select("T", List.of()),
            Operation.delete("T", List.of()),
            Operation.comment("c"));
    TransactResult r =
        OvsdbJson.decodeTransactResult(
            ops,
            json("[{\"uuid\":[\"uuid\",\"" + U + "\"]},{\"rows\":[{\"a\":1}]},{\"count\":2},{}]"));
    assertThat(r.inserted(0)).isEqualTo(U);
    assertThat(r.rows(1)).containsExactly(Row.builder().put("a", 1).build());
    assertThat(r.count(2)).isEqualTo(2);
    assertThat(r.get(3)).isEqualTo(new OperationResult.Done());
    assertThatThrownBy(() -> r.count(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFailedOperationNamesItsIndexErrorAndDetails() throws Exception {
    List<Operation> ops =
        List.of(Operation.comment("c"), Operation.delete("T", List.of()), Operation.abort());
    assertThatThrownBy(
            () ->
                OvsdbJson.decodeTransactResult(
                    ops,
                    json("[{},{\"error\":\"constraint violation\",\"details\":\"bad\"},null]")))
        .isInstanceOfSatisfying(
            OvsdbTransactionException.class,
            e -> {
              assertThat(e.operationIndex()).isEqualTo(1);
              assertThat(e.error()).isEqualTo("constraint violation");
              assertThat(e.details()).contains("bad");
              assertThat(e.operation()).contains(ops.get(1));
              assertThat(e.completed()).hasSize(1);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "transaction failed at operation 1 (delete T): constraint violation: bad");
            });
  }

  @Test
  void aFailedCommitIsReportedAfterTheLastOperation() throws Exception {
    List<Operation> ops = List.of(Operation.delete("T", List.of()));
    assertThatThrownBy(
            () ->
                OvsdbJson.decodeTransactResult(
                    ops, json("[{\"count\":1},{\"error\":\"referential integrity violation\"}]")))
        .isInstanceOfSatisfying(
            OvsdbTransactionException.class,
            e -> {
              assertThat(e.operationIndex()).isEqualTo(1);
              assertThat(e.operation()).isEmpty();
              assertThat(e.getMessage()).contains("commit (after 1 operations)");
            });
  }

  @Test
  void resultsOfTheWrongShapeAreProtocolErrors() {
    List<Operation> ops = List.of(Operation.insert("T", Row.builder().build()));
    assertThatThrownBy(() -> OvsdbJson.decodeTransactResult(ops, json("[{\"count\":1}]")))
        .isInstanceOf(OvsdbProtocolException.class)
        .hasMessageContaining("insert result without uuid");
    assertThatThrownBy(() -> OvsdbJson.decodeTransactResult(ops, json("[]")))
        .hasMessageContaining("0 results for 1 operations");
  }

  @Test
  void monitorRequestsAndTableUpdates() throws Exception {
    assertThat(
            (Object)
                OvsdbJson.encodeMonitorRequests(List.of(MonitorRequest.columns("T", List.of("a")))))
        .usingComparator(SAME_JSON)
        .isEqualTo(
            json(
                "{\"T\":{\"columns\":[\"a\"],\"select\":{\"initial\":true,\"insert\":true,\"delete\":true,\"modify\":true}}}"));
    TableUpdates u =
        OvsdbJson.decodeTableUpdates(
            json("{\"T\":{\"" + U + "\":{\"old\":{\"a\":1},\"new\":{\"a\":2}}}}"));
    RowUpdate r = u.table("T").get(0);
    assertThat(r.kind()).isEqualTo(RowUpdate.Kind.MODIFY);
    assertThat(r.newRow().get().integer("a")).isEqualTo(2);
    assertThat(u.table("Other")).isEmpty();
    assertThatThrownBy(() -> OvsdbJson.decodeTableUpdates(json("{\"T\":{\"" + U + "\":{}}}")))
        .hasMessageContaining("neither old nor new");
  }
}
