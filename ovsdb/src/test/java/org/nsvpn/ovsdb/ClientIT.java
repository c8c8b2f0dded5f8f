package org.nsvpn.ovsdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nsvpn.ovsdb.api.Atom;
import org.nsvpn.ovsdb.api.ClientState;
import org.nsvpn.ovsdb.api.Condition;
import org.nsvpn.ovsdb.api.MapValue;
import org.nsvpn.ovsdb.api.Monitor;
import org.nsvpn.ovsdb.api.MonitorListener;
import org.nsvpn.ovsdb.api.MonitorRequest;
import org.nsvpn.ovsdb.api.Mutation;
import org.nsvpn.ovsdb.api.Operation;
import org.nsvpn.ovsdb.api.OvsdbClient;
import org.nsvpn.ovsdb.api.OvsdbClientOptions;
import org.nsvpn.ovsdb.api.OvsdbConnectionException;
import org.nsvpn.ovsdb.api.OvsdbServerException;
import org.nsvpn.ovsdb.api.OvsdbTransactionException;
import org.nsvpn.ovsdb.api.Row;
import org.nsvpn.ovsdb.api.RowUpdate;
import org.nsvpn.ovsdb.api.SetValue;
import org.nsvpn.ovsdb.api.TableUpdates;
import org.nsvpn.ovsdb.api.TransactResult;
import org.nsvpn.ovsdb.ipsec.IpsecSchema;
import org.nsvpn.ovsdb.testing.NettyLeakCheck;
import org.nsvpn.ovsdb.testing.OvsdbServer;

/** The client against a real ovsdb-server with the IPsec schema; ovsdb-client is the oracle. */
@ExtendWith(NettyLeakCheck.class)
class ClientIT {
  private static final String DB = IpsecSchema.DATABASE;
  private static final String SA = IpsecSchema.MANUAL_SA;
  private static final String CONN = IpsecSchema.IKE_CONNECTION;

  private OvsdbServer server;
  private OvsdbClient client;

  @BeforeEach
  void startServer() throws Exception {
    server = OvsdbServer.startIpsecWithTcp();
    client = connect(server.endpoint());
  }

  @AfterEach
  void stopServer() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static OvsdbClient connect(org.nsvpn.ovsdb.api.OvsdbEndpoint endpoint) throws Exception {
    OvsdbClient c =
        Ovsdb.client(
            endpoint,
            OvsdbClientOptions.defaults()
                .withRequestTimeout(Duration.ofSeconds(10))
                .withReconnectDelays(Duration.ofMillis(50), Duration.ofMillis(500)));
    c.start().get(10, TimeUnit.SECONDS);
    return c;
  }

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  private static Throwable failure(CompletableFuture<?> f) {
    ExecutionException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
    return e.getCause();
  }

  /** Inserts the IPSEC root row and returns its uuid. */
  private UUID root() throws Exception {
    return get(client.transact(
            DB, List.of(Operation.insert(IpsecSchema.IPSEC, Row.builder().build()))))
        .inserted(0);
  }

  /** An SA row referenced from the root in the same transaction (else it is garbage). */
  private List<Operation> insertSa(UUID root, String name, long spi, Map<String, String> status) {
    return List.of(
        Operation.insert(
            SA,
            Row.builder()
                .put("spi", spi)
                .put("dest_addr", "192.0.2.1")
                .put("protocol", "ESP")
                .putMap(IpsecSchema.MANUAL_SA_STATUSES, status)
                .build(),
            name),
        Operation.mutate(
            IpsecSchema.IPSEC,
            List.of(Condition.uuidIs(root)),
            List.of(
                Mutation.insert(IpsecSchema.MANUAL_SAS_REF, SetValue.of(Atom.namedUuid(name))))));
  }

  @Test
  void listsDatabasesAndReadsTheSchema() throws Exception {
    assertThat(get(client.listDatabases())).contains(DB);
    var schema = get(client.schema(DB));
    assertThat(schema.name()).isEqualTo(DB);
    assertThat(schema.version()).isEqualTo("1.0.0");
    assertThat(IpsecSchema.problems(schema)).isEmpty();
    assertThat(schema.tableColumns().get(SA)).contains("spi", "ipsec_manual_sa_statuses");
  }

  @Test
  void unknownDatabaseIsATypedServerError() {
    Throwable e = failure(client.schema("NoSuchDb"));
    assertThat(e).isInstanceOf(OvsdbServerException.class);
    assertThat(((OvsdbServerException) e).error()).isEqualTo("unknown database");
  }

  @Test
  void insertWithUuidNameSelectUpdateMutateDeleteRoundTrip() throws Exception {
    UUID root = root();
    TransactResult inserted =
        get(client.transact(DB, insertSa(root, "sa1", 4096, Map.of("k", "v"))));
    UUID sa = inserted.inserted(0);
    assertThat(inserted.count(1)).isEqualTo(1);

    // The oracle sees the row and the reference.
    List<ObjectNode> rows = server.rows(SA);
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).get("_uuid").get(1).asText()).isEqualTo(sa.toString());
    assertThat(rows.get(0).get("spi").asLong()).isEqualTo(4096);
    assertThat(server.rows(IpsecSchema.IPSEC).get(0).get("ipsec_manual_sas").toString())
        .contains(sa.toString());

    // select with columns
    List<Row> selected =
        get(client.transact(
                DB,
                List.of(
                    Operation.select(
                        SA, List.of(Condition.equal("spi", 4096)), List.of("spi", "dest_addr")))))
            .rows(0);
    assertThat(selected).hasSize(1);
    assertThat(selected.get(0).integer("spi")).isEqualTo(4096);
    assertThat(selected.get(0).string("dest_addr")).isEqualTo("192.0.2.1");
    assertThat(selected.get(0).has("protocol")).isFalse();

    // update replaces a map whole
    long updated =
        get(client.transact(
                DB,
                List.of(
                    Operation.update(
                        SA,
                        List.of(Condition.uuidIs(sa)),
                        Row.builder()
                            .putMap(IpsecSchema.MANUAL_SA_STATUSES, Map.of("x", "1"))
                            .build()))))
            .count(0);
    assertThat(updated).isEqualTo(1);
    assertThat(statusOf(sa)).isEqualTo(Map.of("x", "1"));

    // mutate: map insert does not overwrite an existing key; delete+insert does
    get(
        client.transact(
            DB,
            List.of(
                Operation.mutate(
                    SA,
                    List.of(Condition.uuidIs(sa)),
                    List.of(
                        Mutation.insert(
                            IpsecSchema.MANUAL_SA_STATUSES,
                            MapValue.ofStrings(Map.of("x", "2", "y", "3"))))))));
    assertThat(statusOf(sa)).isEqualTo(Map.of("x", "1", "y", "3"));
    get(
        client.transact(
            DB,
            List.of(
                Operation.mutate(
                    SA,
                    List.of(Condition.uuidIs(sa)),
                    List.of(
                        Mutation.delete(
                            IpsecSchema.MANUAL_SA_STATUSES, SetValue.ofStrings(List.of("x"))),
                        Mutation.insert(
                            IpsecSchema.MANUAL_SA_STATUSES,
                            MapValue.ofStrings(Map.of("x", "2"))))))));
    assertThat(statusOf(sa)).isEqualTo(Map.of("x", "2", "y", "3"));

    // integer mutation
    get(
        client.transact(
            DB,
            List.of(
                Operation.mutate(
                    SA,
                    List.of(Condition.uuidIs(sa)),
                    List.of(new Mutation("spi", Mutation.Mutator.ADD, Atom.integer(4)))))));
    assertThat(server.rows(SA).get(0).get("spi").asLong()).isEqualTo(4100);

    // delete needs the reference gone in the same transaction
    TransactResult deleted =
        get(
            client.transact(
                DB,
                List.of(
                    Operation.mutate(
                        IpsecSchema.IPSEC,
                        List.of(Condition.uuidIs(root)),
                        List.of(
                            Mutation.delete(
                                IpsecSchema.MANUAL_SAS_REF, SetValue.ofUuids(List.of(sa))))),
                    Operation.delete(SA, List.of(Condition.uuidIs(sa))))));
    assertThat(deleted.count(1)).isEqualTo(1);
    assertThat(server.rows(SA)).isEmpty();
  }

  private Map<String, String> statusOf(UUID sa) throws Exception {
    return get(client.transact(
            DB,
            List.of(
                Operation.select(
                    SA, List.of(Condition.uuidIs(sa)), List.of(IpsecSchema.MANUAL_SA_STATUSES)))))
        .rows(0)
        .get(0)
        .stringMap(IpsecSchema.MANUAL_SA_STATUSES);
  }

  @Test
  void waitCommitCommentSucceedAndAWaitThatCannotHoldTimesOut() throws Exception {
    UUID root = root();
    TransactResult ok =
        get(
            client.transact(
                DB,
                List.of(
                    new Operation.Wait(
                        IpsecSchema.IPSEC,
                        List.of(Condition.uuidIs(root)),
                        List.of(IpsecSchema.STATS_PUBLISH_ALL),
                        Operation.Wait.Until.EQUAL,
                        List.of(Row.builder().put(IpsecSchema.STATS_PUBLISH_ALL, false).build()),
                        OptionalLong.of(0)),
                    Operation.comment("nsvpn test"),
                    Operation.commit(true))));
    assertThat(ok.results()).hasSize(3);

    Throwable e =
        failure(
            client.transact(
                DB,
                List.of(
                    new Operation.Wait(
                        IpsecSchema.IPSEC,
                        List.of(Condition.uuidIs(root)),
                        List.of(IpsecSchema.STATS_PUBLISH_ALL),
                        Operation.Wait.Until.EQUAL,
                        List.of(Row.builder().put(IpsecSchema.STATS_PUBLISH_ALL, true).build()),
                        OptionalLong.of(0)))));
    assertThat(e).isInstanceOf(OvsdbTransactionException.class);
    OvsdbTransactionException te = (OvsdbTransactionException) e;
    assertThat(te.error()).isEqualTo("timed out");
    assertThat(te.operationIndex()).isZero();
  }

  @Test
  void abortRollsBackAndNamesTheOperation() throws Exception {
    UUID root = root();
    List<Operation> ops = new ArrayList<>(insertSa(root, "gone", 4096, Map.of()));
    ops.add(Operation.abort());
    Throwable e = failure(client.transact(DB, ops));
    assertThat(e).isInstanceOf(OvsdbTransactionException.class);
    OvsdbTransactionException te = (OvsdbTransactionException) e;
    assertThat(te.error()).isEqualTo("aborted");
    assertThat(te.operationIndex()).isEqualTo(2);
    assertThat(te.operation()).containsInstanceOf(Operation.Abort.class);
    assertThat(te.completed()).hasSize(2);
    assertThat(server.rows(SA)).isEmpty();
  }

  @Test
  void schemaViolationsComeBackAsTypedErrorsWithTheOperationIndex() throws Exception {
    UUID root = root();
    // bad enum value
    Throwable badEnum =
        failure(
            client.transact(
                DB,
                List.of(
                    Operation.comment("first"),
                    Operation.insert(
                        SA,
                        Row.builder()
                            .put("spi", 4096)
                            .put("dest_addr", "192.0.2.1")
                            .put("protocol", "GRE")
                            .build()))));
    assertThat(badEnum).isInstanceOf(OvsdbTransactionException.class);
    OvsdbTransactionException t1 = (OvsdbTransactionException) badEnum;
    assertThat(t1.error()).isEqualTo("constraint violation");
    assertThat(t1.operationIndex()).isEqualTo(1);
    assertThat(t1.details()).hasValueSatisfying(d -> assertThat(d).contains("GRE"));
    assertThat(t1.getMessage()).contains("operation 1 (insert ipsec_manual_sa)").contains("GRE");

    // out-of-range integer: SPIs below 256 are reserved
    Throwable badSpi = failure(client.transact(DB, insertSa(root, "low", 255, Map.of())));
    assertThat(badSpi).isInstanceOf(OvsdbTransactionException.class);
    assertThat(((OvsdbTransactionException) badSpi).error()).isEqualTo("constraint violation");
    assertThat(((OvsdbTransactionException) badSpi).details())
        .hasValueSatisfying(d -> assertThat(d).contains("255"));

    // duplicate key (the SA index) fails at commit
    get(client.transact(DB, insertSa(root, "a", 4096, Map.of())));
    Throwable dup = failure(client.transact(DB, insertSa(root, "b", 4096, Map.of())));
    assertThat(((OvsdbTransactionException) dup).error()).isEqualTo("constraint violation");
    assertThat(((OvsdbTransactionException) dup).operationIndex()).isEqualTo(2);
    assertThat(((OvsdbTransactionException) dup).operation()).isEmpty();
    assertThat(dup.getMessage()).contains("commit");
    assertThat(server.rows(SA)).hasSize(1);
  }

  @Test
  void monitorSeesInsertsModifiesAndDeletesMadeByAnotherClient() throws Exception {
    UUID root = root();
    Recorder recorder = new Recorder();
    Monitor monitor =
        get(
            client.monitor(
                DB,
                List.of(MonitorRequest.columns(SA, List.of("spi", IpsecSchema.MANUAL_SA_STATUSES))),
                recorder));
    assertThat(recorder.snapshots).hasSize(1);
    assertThat(recorder.snapshots.get(0).isEmpty()).isTrue();

    // The oracle writes; the monitor reports.
    server.transact(
        "[{\"op\":\"insert\",\"table\":\"ipsec_manual_sa\",\"uuid-name\":\"n\",\"row\":{\"spi\":777,\"dest_addr\":\"198.51.100.7\",\"protocol\":\"AH\"}},"
            + "{\"op\":\"mutate\",\"table\":\"IPSEC\",\"where\":[],\"mutations\":[[\"ipsec_manual_sas\",\"insert\",[\"set\",[[\"named-uuid\",\"n\"]]]]]}]");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> recorder.kinds().contains(RowUpdate.Kind.INSERT));
    RowUpdate insert = recorder.updates.get(0).table(SA).get(0);
    assertThat(insert.newRow().get().integer("spi")).isEqualTo(777);

    server.transact(
        "[{\"op\":\"update\",\"table\":\"ipsec_manual_sa\",\"where\":[[\"spi\",\"==\",777]],\"row\":{\"ipsec_manual_sa_statuses\":[\"map\",[[\"sa_data_bytes\",\"10\"]]]}}]");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> recorder.kinds().contains(RowUpdate.Kind.MODIFY));
    RowUpdate modify =
        recorder.updates.stream()
            .flatMap(u -> u.table(SA).stream())
            .filter(u -> u.kind() == RowUpdate.Kind.MODIFY)
            .findFirst()
            .orElseThrow();
    assertThat(modify.newRow().get().stringMap(IpsecSchema.MANUAL_SA_STATUSES))
        .containsEntry("sa_data_bytes", "10");
    assertThat(modify.oldRow().get().stringMap(IpsecSchema.MANUAL_SA_STATUSES)).isEmpty();

    server.transact(
        "[{\"op\":\"mutate\",\"table\":\"IPSEC\",\"where\":[],\"mutations\":[[\"ipsec_manual_sas\",\"delete\",[\"uuid\",\""
            + insert.uuid()
            + "\"]]]}]");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> recorder.kinds().contains(RowUpdate.Kind.DELETE));

    get(monitor.cancel());
    int before = recorder.updates.size();
    get(client.transact(DB, insertSa(root, "after", 999, Map.of())));
    get(client.echo()); // anything the server sent before the echo reply has been delivered
    assertThat(recorder.updates).hasSize(before);
  }

  @Test
  void ownUpdateArrivesBeforeTheTransactReply() throws Exception {
    UUID root = root();
    Recorder recorder = new Recorder();
    get(client.monitor(DB, List.of(MonitorRequest.all(SA)), recorder));
    UUID sa =
        client
            .transact(DB, insertSa(root, "mine", 5000, Map.of()))
            .thenApply(
                r -> {
                  // Runs on the callback thread right at completion: the update must be there.
                  assertThat(recorder.kinds()).contains(RowUpdate.Kind.INSERT);
                  return r.inserted(0);
                })
            .get(10, TimeUnit.SECONDS);
    assertThat(recorder.updates.get(0).table(SA).get(0).uuid()).isEqualTo(sa);
  }

  @Test
  void locksAreGrantedStolenAndReleased() throws Exception {
    try (OvsdbClient other = connect(server.endpoint())) {
      List<String> mine = new CopyOnWriteArrayList<>();
      List<String> theirs = new CopyOnWriteArrayList<>();
      assertThat(get(client.lock("nsvpn_publisher", (l, held) -> mine.add(l + "=" + held))))
          .isTrue();
      // assert operations need the lock
      get(client.transact(DB, List.of(Operation.assertLock("nsvpn_publisher"))));
      Throwable notOwner =
          failure(other.transact(DB, List.of(Operation.assertLock("nsvpn_publisher"))));
      assertThat(((OvsdbTransactionException) notOwner).error()).isEqualTo("not owner");

      assertThat(get(other.lock("nsvpn_publisher", (l, held) -> theirs.add(l + "=" + held))))
          .isFalse();
      get(client.unlock("nsvpn_publisher"));
      await().atMost(Duration.ofSeconds(10)).until(() -> theirs.contains("nsvpn_publisher=true"));

      assertThat(get(client.steal("nsvpn_publisher", (l, held) -> mine.add(l + "=" + held))))
          .isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> theirs.contains("nsvpn_publisher=false"));
    }
  }

  @Test
  void worksOverTcp() throws Exception {
    try (OvsdbClient tcp =
        Ovsdb.client(
            server.tcpEndpoint(),
            OvsdbClientOptions.defaults().withEchoInterval(Duration.ofMillis(100)))) {
      tcp.start().get(10, TimeUnit.SECONDS);
      List<ClientState> states = new CopyOnWriteArrayList<>();
      tcp.addStateListener((from, to) -> states.add(to));
      assertThat(get(tcp.listDatabases())).contains(DB);
      get(tcp.echo());
      assertThat(tcp.state()).isEqualTo(ClientState.CONNECTED);
    }
  }

  @Test
  void aLargeValueRoundTrips() throws Exception {
    UUID root = root();
    String big = "x".repeat(1 << 20);
    get(client.transact(DB, insertSa(root, "big", 4096, Map.of("blob", big))));
    List<Row> rows = get(client.transact(DB, List.of(Operation.select(SA, List.of())))).rows(0);
    assertThat(rows.get(0).stringMap(IpsecSchema.MANUAL_SA_STATUSES).get("blob")).isEqualTo(big);
  }

  @Test
  void reconnectsAfterAServerRestartAndResyncsMonitorsAndLocks() throws Exception {
    UUID root = root();
    get(client.transact(DB, insertSa(root, "before", 4096, Map.of())));
    Recorder recorder = new Recorder();
    get(client.monitor(DB, List.of(MonitorRequest.columns(SA, List.of("spi"))), recorder));
    List<ClientState> states = new CopyOnWriteArrayList<>();
    client.addStateListener((from, to) -> states.add(to));
    List<Boolean> lock = new CopyOnWriteArrayList<>();
    assertThat(get(client.lock("agent", (l, held) -> lock.add(held)))).isTrue();

    server.stop();
    await().atMost(Duration.ofSeconds(10)).until(() -> client.state() != ClientState.CONNECTED);
    Throwable offline = failure(client.listDatabases());
    assertThat(offline).isInstanceOf(OvsdbConnectionException.class);

    // While the client is away, the oracle changes the data (on a restarted server).
    server.restart();
    server.transact(
        "[{\"op\":\"update\",\"table\":\"IPSEC\",\"where\":[],\"row\":{\"ipsec_manual_sas\":[\"set\",[]]}}]");
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.resyncs.size() == 1);
    assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
    assertThat(states).contains(ClientState.DISCONNECTED, ClientState.CONNECTED);
    // The resync snapshot is the server's current state (the SA was garbage-collected), which
    // may have been taken before or after the oracle's change; then the monitor keeps reporting.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                recorder.resyncs.get(0).table(SA).isEmpty()
                    || recorder.kinds().contains(RowUpdate.Kind.DELETE));
    // The lock was lost with the connection and is held again after it.
    await().atMost(Duration.ofSeconds(10)).until(() -> lock.equals(List.of(false, true)));
    get(client.transact(DB, List.of(Operation.assertLock("agent"))));
    get(client.transact(DB, insertSa(root, "after", 5000, Map.of())));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> recorder.kinds().contains(RowUpdate.Kind.INSERT));
  }

  @Test
  void pendingRequestsFailWhenTheServerDies() throws Exception {
    root();
    // A wait that can never hold keeps a request pending on the server.
    CompletableFuture<TransactResult> pending =
        client.transact(
            DB,
            List.of(
                new Operation.Wait(
                    IpsecSchema.IPSEC,
                    List.of(),
                    List.of(IpsecSchema.STATS_PUBLISH_ALL),
                    Operation.Wait.Until.EQUAL,
                    List.of(Row.builder().put(IpsecSchema.STATS_PUBLISH_ALL, true).build()),
                    OptionalLong.empty())));
    get(client.echo()); // the wait has reached the server
    server.stop();
    Throwable e = failure(pending);
    assertThat(e).isInstanceOf(OvsdbConnectionException.class).hasMessageContaining("lost");
  }

  @Test
  void closeIsIdempotentAndFailsLaterRequests() throws Exception {
    client.close();
    client.close();
    assertThat(client.state()).isEqualTo(ClientState.CLOSED);
    assertThat(failure(client.listDatabases())).isInstanceOf(OvsdbConnectionException.class);
    assertThatThrownBy(client::start).isInstanceOf(IllegalStateException.class);
  }

  /** Records what a monitor delivers. */
  static final class Recorder implements MonitorListener {
    final List<TableUpdates> snapshots = new CopyOnWriteArrayList<>();
    final List<TableUpdates> resyncs = new CopyOnWriteArrayList<>();
    final List<TableUpdates> updates = new CopyOnWriteArrayList<>();

    @Override
    public void onSnapshot(TableUpdates contents, boolean resync) {
      (resync ? resyncs : snapshots).add(contents);
    }

    @Override
    public void onUpdate(TableUpdates u) {
      updates.add(u);
    }

    List<RowUpdate.Kind> kinds() {
      List<RowUpdate.Kind> out = new ArrayList<>();
      updates.forEach(
          u -> u.tables().values().forEach(rows -> rows.forEach(r -> out.add(r.kind()))));
      return out;
    }
  }
}
