package org.nsvpn.benchmarks.ovsdb;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.nsvpn.ovsdb.Ovsdb;
import org.nsvpn.ovsdb.api.Condition;
import org.nsvpn.ovsdb.api.MapValue;
import org.nsvpn.ovsdb.api.Mutation;
import org.nsvpn.ovsdb.api.Operation;
import org.nsvpn.ovsdb.api.OvsdbClient;
import org.nsvpn.ovsdb.api.OvsdbClientOptions;
import org.nsvpn.ovsdb.api.Row;
import org.nsvpn.ovsdb.api.SetValue;
import org.nsvpn.ovsdb.ipsec.IkeConnectionStatusMap;
import org.nsvpn.ovsdb.ipsec.IpsecSchema;
import org.nsvpn.ovsdb.ipsec.IpsecStatusPublisher;
import org.nsvpn.ovsdb.ipsec.IpsecStatusSnapshot;
import org.nsvpn.ovsdb.ipsec.SaStatus;
import org.nsvpn.ovsdb.ipsec.Snapshots;
import org.nsvpn.ovsdb.ipsec.SpStatus;
import org.nsvpn.ovsdb.testing.OvsdbServer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One status refresh for N connections, written to a real ovsdb-server on a unix socket, in two
 * layouts: {@code connections} (one row per connection, its state and its SA counters in its status
 * map: N rows) and {@code connections+sas+sps} (plus, per connection, two SA rows and one policy
 * row with counters: 4N rows). Three ways of writing:
 *
 * <ul>
 *   <li>{@code batched}: the {@link IpsecStatusPublisher}, one transaction per refresh (after the
 *       first refresh it sends only the changed entries of each map);
 *   <li>{@code perRowDiff}: the same changes, one transaction per row, each awaited before the
 *       next: what batching alone saves;
 *   <li>{@code perRow}: one transaction per row replacing the whole map, the straightforward
 *       implementation.
 * </ul>
 *
 * Rows are addressed by uuid in every variant, so the server does the same lookups. Every refresh
 * changes every row (the snapshot alternates between two generations of counters), the worst case
 * for the publisher, which skips unchanged rows. The server is started in the trial setup and
 * stopped in its teardown; its database is compacted after each iteration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PublishBenchmark {
  @Param({"1000"})
  int connections;

  @Param({"connections", "connections+sas+sps"})
  String layout;

  private OvsdbServer server;
  private OvsdbClient client;
  private IpsecStatusPublisher publisher;
  private final IpsecStatusSnapshot[] generations = new IpsecStatusSnapshot[2];
  private final Map<String, UUID> connRows = new HashMap<>();
  private final Map<Long, UUID> saRows = new HashMap<>();
  private final Map<String, UUID> spRows = new HashMap<>();
  private int next;

  @Setup(Level.Trial)
  public void start() throws Exception {
    server = OvsdbServer.startIpsec();
    client =
        Ovsdb.client(
            server.endpoint(),
            OvsdbClientOptions.defaults().withRequestTimeout(Duration.ofMinutes(1)));
    client.start().get(10, TimeUnit.SECONDS);
    publisher = IpsecStatusPublisher.create(client, IpsecStatusPublisher.Options.defaults());
    publisher.start().get(10, TimeUnit.SECONDS);
    boolean all = layout.equals("connections+sas+sps");
    generations[0] =
        all ? Snapshots.snapshot(0, connections, 1) : Snapshots.connectionsOnly(0, connections, 1);
    generations[1] =
        all ? Snapshots.snapshot(0, connections, 2) : Snapshots.connectionsOnly(0, connections, 2);
    publisher.publish(generations[1]).get(1, TimeUnit.MINUTES);
    for (Row r : select(IpsecSchema.IKE_CONNECTION, "policy_name")) {
      connRows.put(r.string("policy_name"), r.uuid());
    }
    for (Row r : select(IpsecSchema.MANUAL_SA, "spi")) {
      saRows.put(r.integer("spi"), r.uuid());
    }
    for (Row r : select(IpsecSchema.MANUAL_SP, "src_addr")) {
      spRows.put(r.string("src_addr"), r.uuid());
    }
  }

  private List<Row> select(String table, String column) throws Exception {
    return client
        .transact(
            IpsecSchema.DATABASE,
            List.of(Operation.select(table, List.of(), List.of("_uuid", column))))
        .get(1, TimeUnit.MINUTES)
        .rows(0);
  }

  @TearDown(Level.Iteration)
  public void compact() {
    server.compact();
  }

  @TearDown(Level.Trial)
  public void stop() {
    if (publisher != null) {
      publisher.close();
    }
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private IpsecStatusSnapshot nextSnapshot() {
    next ^= 1;
    return generations[next];
  }

  @Benchmark
  public IpsecStatusPublisher.PublishResult batched() throws Exception {
    return publisher.publish(nextSnapshot()).get(1, TimeUnit.MINUTES);
  }

  @Benchmark
  public int perRow() throws Exception {
    IpsecStatusSnapshot s = nextSnapshot();
    List<Operation> ops = new ArrayList<>();
    s.connections()
        .forEach(
            (name, c) ->
                ops.add(
                    update(
                        IpsecSchema.IKE_CONNECTION,
                        connRows.get(name),
                        IpsecSchema.IKE_CONN_STATUSES,
                        IkeConnectionStatusMap.of(name, c))));
    for (SaStatus sa : s.sas().values()) {
      ops.add(
          update(
              IpsecSchema.MANUAL_SA,
              saRows.get(sa.key().spi()),
              IpsecSchema.MANUAL_SA_STATUSES,
              sa.statusMap()));
    }
    for (SpStatus sp : s.sps().values()) {
      ops.add(
          update(
              IpsecSchema.MANUAL_SP,
              spRows.get(sp.selector().srcAddr()),
              IpsecSchema.MANUAL_SP_STATUSES,
              sp.statusMap()));
    }
    for (Operation op : ops) {
      client.transact(IpsecSchema.DATABASE, List.of(op)).get(1, TimeUnit.MINUTES);
    }
    return ops.size();
  }

  @Benchmark
  public int perRowDiff() throws Exception {
    IpsecStatusSnapshot previous = generations[next];
    IpsecStatusSnapshot s = nextSnapshot();
    int n = 0;
    for (var e : s.connections().entrySet()) {
      n +=
          mutate(
              IpsecSchema.IKE_CONNECTION,
              connRows.get(e.getKey()),
              IpsecSchema.IKE_CONN_STATUSES,
              IkeConnectionStatusMap.of(e.getKey(), previous.connections().get(e.getKey())),
              IkeConnectionStatusMap.of(e.getKey(), e.getValue()));
    }
    for (var e : s.sas().entrySet()) {
      n +=
          mutate(
              IpsecSchema.MANUAL_SA,
              saRows.get(e.getKey().spi()),
              IpsecSchema.MANUAL_SA_STATUSES,
              previous.sas().get(e.getKey()).statusMap(),
              e.getValue().statusMap());
    }
    for (var e : s.sps().entrySet()) {
      n +=
          mutate(
              IpsecSchema.MANUAL_SP,
              spRows.get(e.getKey().srcAddr()),
              IpsecSchema.MANUAL_SP_STATUSES,
              previous.sps().get(e.getKey()).statusMap(),
              e.getValue().statusMap());
    }
    return n;
  }

  /** One transaction: delete the changed keys, insert their new entries. */
  private int mutate(
      String table, UUID row, String column, Map<String, String> before, Map<String, String> after)
      throws Exception {
    List<String> stale = new ArrayList<>();
    Map<String, String> fresh = new HashMap<>();
    after.forEach(
        (k, v) -> {
          if (!v.equals(before.get(k))) {
            stale.add(k);
            fresh.put(k, v);
          }
        });
    client
        .transact(
            IpsecSchema.DATABASE,
            List.of(
                Operation.mutate(
                    table,
                    List.of(Condition.uuidIs(row)),
                    List.of(
                        Mutation.delete(column, SetValue.ofStrings(stale)),
                        Mutation.insert(column, MapValue.ofStrings(fresh))))))
        .get(1, TimeUnit.MINUTES);
    return 1;
  }

  private static Operation update(
      String table, UUID row, String column, Map<String, String> status) {
    return Operation.update(
        table,
        List.of(Condition.uuidIs(row)),
        Row.builder().put(column, MapValue.ofStrings(status)).build());
  }
}
