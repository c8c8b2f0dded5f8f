package org.nsvpn.ovsdb.ipsec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.chainrules.status.Reason;
import org.nsvpn.chainrules.status.ReasonCode;
import org.nsvpn.ovsdb.Ovsdb;
import org.nsvpn.ovsdb.api.OvsdbClient;
import org.nsvpn.ovsdb.api.OvsdbClientOptions;
import org.nsvpn.ovsdb.api.OvsdbConnectionException;
import org.nsvpn.ovsdb.testing.NettyLeakCheck;
import org.nsvpn.ovsdb.testing.OvsdbServer;

/**
 * The publisher against a real ovsdb-server; what it wrote is read back with {@code ovsdb-client
 * dump} and the transaction count with {@code ovsdb-tool show-log}.
 */
@ExtendWith(NettyLeakCheck.class)
class PublisherIT {
  private OvsdbServer server;
  private OvsdbClient client;
  private IpsecStatusPublisher publisher;

  @BeforeEach
  void start() throws Exception {
    server = OvsdbServer.startIpsec();
    client =
        Ovsdb.client(
            server.endpoint(),
            OvsdbClientOptions.defaults()
                .withRequestTimeout(Duration.ofSeconds(10))
                .withReconnectDelays(Duration.ofMillis(50), Duration.ofMillis(300)));
    client.start().get(10, TimeUnit.SECONDS);
    publisher = IpsecStatusPublisher.create(client, IpsecStatusPublisher.Options.defaults());
    publisher.start().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() {
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

  /**
   * Another client's transaction; returns once this client's monitors have seen it (the server
   * sends the resulting update before it answers the echo that follows).
   */
  private void oracle(String operationsJson) throws Exception {
    server.transact(operationsJson);
    client.echo().get(10, TimeUnit.SECONDS);
  }

  private IpsecStatusPublisher.PublishResult publish(IpsecStatusSnapshot s) throws Exception {
    return publisher.publish(s).get(10, TimeUnit.SECONDS);
  }

  @Test
  void firstPublishWritesEverythingInOneTransaction() throws Exception {
    IpsecStatusSnapshot snapshot = Snapshots.snapshot(0, 3, 1);
    long before = server.transactionCount();

    IpsecStatusPublisher.PublishResult result = publish(snapshot);

    assertThat(result.inserted()).isEqualTo(3 + 6 + 3);
    assertThat(server.transactionCount() - before).isEqualTo(1);
    assertTablesHold(snapshot);
    ObjectNode root = single(server.rows(IpsecSchema.IPSEC));
    assertThat(root.get(IpsecSchema.STATS_PUBLISH_ALL).asBoolean()).isTrue();
    for (ObjectNode conn : server.rows(IpsecSchema.IKE_CONNECTION)) {
      assertThat(conn.get(IpsecSchema.NSVPN_MANAGED).asBoolean()).isTrue();
    }
  }

  @Test
  void laterPublishesReplaceMapsWholeDeleteWhatVanishedAndSkipWhatDidNotChange() throws Exception {
    publish(Snapshots.snapshot(0, 4, 1));
    // Connection 0 loses keys (no SA any more), 1 changes, 2 stays identical, 3 goes, 4 appears.
    ConnectionStatus shrunk =
        ConnectionStatus.notUp(
            Snapshots.connection(0, 1).connection(),
            Reason.of(ReasonCode.NEGOTIATING),
            List.of(),
            Instant.EPOCH);
    Map<String, ConnectionStatus> conns = new LinkedHashMap<>();
    conns.put(Snapshots.name(0), shrunk);
    conns.put(Snapshots.name(1), Snapshots.connection(1, 2));
    conns.put(Snapshots.name(2), Snapshots.connection(2, 1));
    conns.put(Snapshots.name(4), Snapshots.connection(4, 1));
    IpsecStatusSnapshot next =
        IpsecStatusSnapshot.of(
            conns,
            List.of(Snapshots.sa(1, 0, 2), Snapshots.sa(2, 0, 1), Snapshots.sa(4, 0, 1)),
            List.of(Snapshots.sp(1, 2), Snapshots.sp(2, 1)));
    long before = server.transactionCount();

    IpsecStatusPublisher.PublishResult result = publish(next);

    assertThat(server.transactionCount() - before).isEqualTo(1);
    assertTablesHold(next);
    assertThat(
            statusMaps(IpsecSchema.IKE_CONNECTION, "policy_name", IpsecSchema.IKE_CONN_STATUSES)
                .get(Snapshots.name(0)))
        .isEqualTo(
            Map.of(
                "policy_name", Snapshots.name(0),
                "ike_status", "connecting",
                "sa_data_bytes_in", "0",
                "sa_data_packets_in", "0",
                "sa_data_bytes_out", "0",
                "sa_data_packets_out", "0",
                "connection_state", "connecting",
                "reason_code", "negotiating",
                "reason", "IKE SA being negotiated"));
    // Unchanged: conn 2, SA 2/in, SP 2. Rewritten: conns 0 and 1, SA 1/in, SP 1. New: conn 4,
    // SA 4/in. Deleted: conn 3; SAs 0/in, 0/out, 1/out, 2/out, 3/in, 3/out; SPs 0 and 3.
    assertThat(result.unchanged()).isEqualTo(3);
    assertThat(result.updated()).isEqualTo(4);
    assertThat(result.inserted()).isEqualTo(2);
    assertThat(result.deleted()).isEqualTo(1 + 6 + 2);

    // Publishing the same snapshot again is free: no transaction at all.
    IpsecStatusPublisher.PublishResult again = publish(next);
    assertThat(again.unchanged()).isEqualTo(9);
    assertThat(server.transactionCount() - before).isEqualTo(1);
  }

  @Test
  void retainedAndPartialSnapshotsLeaveTheRowsTheyDoNotNameAlone() throws Exception {
    publish(Snapshots.connectionsOnly(0, 3, 1));
    Map<String, Map<String, String>> before =
        statusMaps(IpsecSchema.IKE_CONNECTION, "policy_name", IpsecSchema.IKE_CONN_STATUSES);

    // A restarted reporter knows connection 0 and is still adopting connection 1.
    publish(Snapshots.connectionsOnly(0, 1, 2).retaining(Set.of(Snapshots.name(1))));
    Map<String, Map<String, String>> after =
        statusMaps(IpsecSchema.IKE_CONNECTION, "policy_name", IpsecSchema.IKE_CONN_STATUSES);
    assertThat(after).containsOnlyKeys(Snapshots.name(0), Snapshots.name(1));
    assertThat(after.get(Snapshots.name(1))).isEqualTo(before.get(Snapshots.name(1)));
    assertThat(after.get(Snapshots.name(0))).isEqualTo(Snapshots.connectionMap(0, 2));

    publish(IpsecStatusSnapshot.empty().asPartial());
    assertThat(statusMaps(IpsecSchema.IKE_CONNECTION, "policy_name", IpsecSchema.IKE_CONN_STATUSES))
        .isEqualTo(after);
    publish(IpsecStatusSnapshot.empty());
    assertThat(server.rows(IpsecSchema.IKE_CONNECTION)).isEmpty();
  }

  @Test
  void publishSoonDoesNotWaitForTheRefreshInterval() throws Exception {
    // An hour between refreshes: only publishSoon can make the change appear in time.
    oracle("[{\"op\":\"insert\",\"table\":\"IPSEC\",\"row\":{\"stats_refresh_seconds\":3600}}]");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> publisher.refreshInterval().equals(Duration.ofSeconds(3600)));
    publisher.publishSoon(); // before startPeriodic: nothing to publish, nothing happens
    AtomicReference<IpsecStatusSnapshot> current =
        new AtomicReference<>(Snapshots.connectionsOnly(0, 1, 1));
    publisher.startPeriodic(current::get);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> byName(server.rows(IpsecSchema.IKE_CONNECTION)).containsKey("site-0"));

    current.set(Snapshots.connectionsOnly(0, 2, 1));
    publisher.publishSoon();
    publisher.publishSoon();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> byName(server.rows(IpsecSchema.IKE_CONNECTION)).containsKey("site-1"));
  }

  @Test
  void operatorRowsGetTheirStatusButAreNeverDeleted() throws Exception {
    oracle(
        "[{\"op\":\"insert\",\"table\":\"IPSEC\",\"row\":{\"ipsec_ike_connections\":[\"named-uuid\",\"c\"]}},"
            + "{\"op\":\"insert\",\"table\":\"Ipsec_Ike_Connection\",\"uuid-name\":\"c\",\"row\":"
            + "{\"policy_name\":\"site-0\",\"ike_remote_addr\":\"203.0.113.1\",\"ike_local_addr\":\"192.0.2.1\","
            + "\"ipsec_ike_conn_statuses\":[\"map\",[[\"config_error\",\"old\"]]]}}]");

    publish(Snapshots.snapshot(0, 2, 1));
    Map<String, ObjectNode> conns = byName(server.rows(IpsecSchema.IKE_CONNECTION));
    assertThat(conns).containsOnlyKeys("site-0", "site-1");
    ObjectNode operator = conns.get("site-0");
    assertThat(operator.get(IpsecSchema.NSVPN_MANAGED).asBoolean()).isFalse();
    assertThat(operator.get("ike_remote_addr").asText()).isEqualTo("203.0.113.1");
    assertThat(map(operator.get(IpsecSchema.IKE_CONN_STATUSES)))
        .isEqualTo(Snapshots.connectionMap(0, 1));

    publish(IpsecStatusSnapshot.empty());
    assertThat(byName(server.rows(IpsecSchema.IKE_CONNECTION))).containsOnlyKeys("site-0");
    assertThat(server.rows(IpsecSchema.MANUAL_SA)).isEmpty();
    assertThat(server.rows(IpsecSchema.MANUAL_SP)).isEmpty();
  }

  @Test
  void refreshIntervalFollowsStatsRefreshSecondsAndDrivesPeriodicPublishing() throws Exception {
    assertThat(publisher.refreshInterval()).isEqualTo(Duration.ofSeconds(10));
    publish(Snapshots.snapshot(0, 1, 1)); // creates the IPSEC row, stats_refresh_seconds unset
    assertThat(publisher.refreshInterval()).isEqualTo(Duration.ofSeconds(10));

    oracle(
        "[{\"op\":\"update\",\"table\":\"IPSEC\",\"where\":[],\"row\":{\"stats_refresh_seconds\":1}}]");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> publisher.refreshInterval().equals(Duration.ofSeconds(1)));

    AtomicInteger calls = new AtomicInteger();
    publisher.startPeriodic(() -> Snapshots.snapshot(0, 1, calls.incrementAndGet()));
    await().atMost(Duration.ofSeconds(15)).until(() -> calls.get() >= 3);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                Long.parseLong(
                        map(single(server.rows(IpsecSchema.MANUAL_SP))
                                .get(IpsecSchema.MANUAL_SP_STATUSES))
                            .get("sp_data_packets"))
                    >= 9 * 3);

    oracle(
        "[{\"op\":\"update\",\"table\":\"IPSEC\",\"where\":[],\"row\":{\"stats_refresh_seconds\":[\"set\",[]]}}]");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> publisher.refreshInterval().equals(Duration.ofSeconds(10)));
  }

  @Test
  void afterAServerRestartTheNextPublishRewritesTheFullStateAndNothingStaleRemains()
      throws Exception {
    oracle("[{\"op\":\"insert\",\"table\":\"IPSEC\",\"row\":{\"stats_refresh_seconds\":1}}]");
    IpsecStatusSnapshot a = Snapshots.snapshot(0, 5, 1);
    IpsecStatusSnapshot b = Snapshots.snapshot(3, 8, 2);
    // Connection 3 has the same status in A and B: only a full rewrite repairs it below.
    Map<String, ConnectionStatus> bConns = new LinkedHashMap<>(b.connections());
    bConns.put(Snapshots.name(3), Snapshots.connection(3, 1));
    b = IpsecStatusSnapshot.of(bConns, b.sas().values(), b.sps().values());
    AtomicReference<IpsecStatusSnapshot> current = new AtomicReference<>(a);
    publisher.startPeriodic(current::get);
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertTablesHold(a));

    server.stop();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !client.state().equals(org.nsvpn.ovsdb.api.ClientState.CONNECTED));
    ExecutionException offline =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class, () -> publisher.publish(a).get(10, TimeUnit.SECONDS));
    assertThat(offline.getCause()).isInstanceOf(OvsdbConnectionException.class);

    // Behind the client's back: tamper with connection 3's status and add a stray managed row.
    server.offlineTransact(
        "[{\"op\":\"update\",\"table\":\"Ipsec_Ike_Connection\",\"where\":[[\"policy_name\",\"==\",\"site-3\"]],"
            + "\"row\":{\"ipsec_ike_conn_statuses\":[\"map\",[[\"ike_status\",\"tampered\"]]]}},"
            + "{\"op\":\"insert\",\"table\":\"Ipsec_Ike_Connection\",\"uuid-name\":\"g\","
            + "\"row\":{\"policy_name\":\"ghost\",\"nsvpn_managed\":true}},"
            + "{\"op\":\"mutate\",\"table\":\"IPSEC\",\"where\":[],\"mutations\":"
            + "[[\"ipsec_ike_connections\",\"insert\",[\"set\",[[\"named-uuid\",\"g\"]]]]]}]");
    current.set(b);
    server.restart();

    IpsecStatusSnapshot expected = b;
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertTablesHold(expected));
  }

  @Test
  void refusesADatabaseThatIsNotTheIpsecSchema() throws Exception {
    try (OvsdbServer other =
            OvsdbServer.start(
                "{\"name\":\"IPsec\",\"version\":\"0.0.1\",\"tables\":{\"IPSEC\":{\"columns\":"
                    + "{\"stats_refresh_seconds\":{\"type\":\"integer\"}},\"isRoot\":true}}}",
                "IPsec",
                false);
        OvsdbClient c = Ovsdb.client(other.endpoint())) {
      c.start().get(10, TimeUnit.SECONDS);
      IpsecStatusPublisher p =
          IpsecStatusPublisher.create(c, IpsecStatusPublisher.Options.defaults());
      ExecutionException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              ExecutionException.class, () -> p.start().get(10, TimeUnit.SECONDS));
      assertThat(e.getCause())
          .hasMessageContaining("not the nsvpn IPsec schema")
          .hasMessageContaining("has no table ipsec_manual_sa");
      p.close();
    }
  }

  // ---------------------------------------------------------------- oracle helpers

  /** The three tables hold exactly the snapshot's rows and status maps, all referenced. */
  private void assertTablesHold(IpsecStatusSnapshot s) {
    Map<String, Map<String, String>> expectedConns = new HashMap<>();
    s.connections().forEach((k, v) -> expectedConns.put(k, IkeConnectionStatusMap.of(k, v)));
    assertThat(statusMaps(IpsecSchema.IKE_CONNECTION, "policy_name", IpsecSchema.IKE_CONN_STATUSES))
        .isEqualTo(expectedConns);

    Map<String, Map<String, String>> expectedSas = new HashMap<>();
    s.sas().forEach((k, v) -> expectedSas.put(Long.toString(k.spi()), v.statusMap()));
    assertThat(statusMaps(IpsecSchema.MANUAL_SA, "spi", IpsecSchema.MANUAL_SA_STATUSES))
        .isEqualTo(expectedSas);

    Map<String, Map<String, String>> expectedSps = new HashMap<>();
    s.sps().forEach((k, v) -> expectedSps.put(k.srcAddr(), v.statusMap()));
    assertThat(statusMaps(IpsecSchema.MANUAL_SP, "src_addr", IpsecSchema.MANUAL_SP_STATUSES))
        .isEqualTo(expectedSps);

    ObjectNode root = single(server.rows(IpsecSchema.IPSEC));
    assertThat(uuids(root.get(IpsecSchema.IKE_CONNECTIONS_REF)))
        .isEqualTo(uuidsOf(server.rows(IpsecSchema.IKE_CONNECTION)));
    assertThat(uuids(root.get(IpsecSchema.MANUAL_SAS_REF)))
        .isEqualTo(uuidsOf(server.rows(IpsecSchema.MANUAL_SA)));
    assertThat(uuids(root.get(IpsecSchema.MANUAL_SPS_REF)))
        .isEqualTo(uuidsOf(server.rows(IpsecSchema.MANUAL_SP)));
    assertThat(root.get(IpsecSchema.STATS_PUBLISH_ALL).asBoolean()).isTrue();
  }

  private Map<String, Map<String, String>> statusMaps(String table, String key, String column) {
    Map<String, Map<String, String>> out = new HashMap<>();
    for (ObjectNode row : server.rows(table)) {
      out.put(row.get(key).asText(), map(row.get(column)));
    }
    return out;
  }

  private static Map<String, ObjectNode> byName(List<ObjectNode> rows) {
    return rows.stream().collect(Collectors.toMap(r -> r.get("policy_name").asText(), r -> r));
  }

  static Map<String, String> map(JsonNode ovsdbMap) {
    Map<String, String> out = new HashMap<>();
    ovsdbMap.get(1).forEach(pair -> out.put(pair.get(0).asText(), pair.get(1).asText()));
    return out;
  }

  private static Set<String> uuids(JsonNode refs) {
    Set<String> out = new HashSet<>();
    if (refs.get(0).asText().equals("uuid")) {
      out.add(refs.get(1).asText());
    } else {
      refs.get(1).forEach(r -> out.add(r.get(1).asText()));
    }
    return out;
  }

  private static Set<String> uuidsOf(List<ObjectNode> rows) {
    return rows.stream().map(r -> r.get("_uuid").get(1).asText()).collect(Collectors.toSet());
  }

  private static ObjectNode single(List<ObjectNode> rows) {
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }
}
