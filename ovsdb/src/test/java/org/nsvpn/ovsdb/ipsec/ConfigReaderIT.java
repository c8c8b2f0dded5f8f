package org.nsvpn.ovsdb.ipsec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nsvpn.ovsdb.Ovsdb;
import org.nsvpn.ovsdb.api.OvsdbClient;
import org.nsvpn.ovsdb.api.OvsdbClientOptions;
import org.nsvpn.ovsdb.testing.NettyLeakCheck;
import org.nsvpn.ovsdb.testing.OvsdbServer;

/** The config reader against a real ovsdb-server; an operator's writes come from ovsdb-client. */
@ExtendWith(NettyLeakCheck.class)
class ConfigReaderIT {
  private static final String ROOT_WITH_CONN =
      "[{\"op\":\"insert\",\"table\":\"IPSEC\",\"row\":{\"ipsec_ike_connections\":[\"named-uuid\",\"c\"]}},"
          + "{\"op\":\"insert\",\"table\":\"Ipsec_Ike_Connection\",\"uuid-name\":\"c\",\"row\":"
          + "{\"policy_name\":\"branch\",\"ike_local_addr\":\"192.0.2.1\",\"ike_remote_addr\":\"203.0.113.9\","
          + "\"ike_version\":\"IKEv1/v2\",\"ike_group\":\"diffie2\"}}]";

  private OvsdbServer server;
  private OvsdbClient client;
  private IpsecConfigReader reader;
  private final List<ConfigEvent> events = new CopyOnWriteArrayList<>();

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
    reader = IpsecConfigReader.create(client, IpsecSchema.DATABASE, events::add);
  }

  @AfterEach
  void stop() {
    if (reader != null) {
      reader.close();
    }
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private <E extends ConfigEvent> List<E> eventsOf(Class<E> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Test
  void reportsExistingRowsThenInsertsChangesAndDeletes() throws Exception {
    server.transact(ROOT_WITH_CONN);
    reader.start().get(10, TimeUnit.SECONDS);

    assertThat(eventsOf(ConfigEvent.Added.class)).hasSize(1);
    IkeConnectionConfig conn =
        (IkeConnectionConfig) eventsOf(ConfigEvent.Added.class).get(0).config();
    assertThat(conn.policyName()).isEqualTo("branch");
    assertThat(conn.ikeVersion()).isEqualTo(IkeVersion.ANY);
    assertThat(conn.ikeGroup()).isEqualTo(DhGroup.MODP1024);
    assertThat(conn.ipFamily()).isEqualTo(IpFamily.IPV4);
    assertThat(conn.encryption()).contains(EncryptionAlgorithm.AES256); // the default for ESP
    assertThat(reader.current()).containsExactly(conn);

    server.transact(
        "[{\"op\":\"update\",\"table\":\"Ipsec_Ike_Connection\",\"where\":[[\"policy_name\",\"==\",\"branch\"]],"
            + "\"row\":{\"ike_remote_addr\":\"vpn.example.net\",\"policy_enable\":false}}]");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> eventsOf(ConfigEvent.Changed.class).size() == 1);
    IkeConnectionConfig changed =
        (IkeConnectionConfig) eventsOf(ConfigEvent.Changed.class).get(0).current();
    assertThat(changed.remoteAddr()).isEqualTo("vpn.example.net");
    assertThat(changed.enabled()).isFalse();

    server.transact(
        "[{\"op\":\"insert\",\"table\":\"ipsec_manual_sa\",\"uuid-name\":\"s\",\"row\":"
            + "{\"spi\":4097,\"dest_addr\":\"198.51.100.2\",\"protocol\":\"ESP\",\"src_addr\":\"198.51.100.1\","
            + "\"auth_type\":\"sha256-hmac\",\"auth_key_id\":\"k-auth\",\"encr_type\":\"aes128\",\"encr_key_id\":\"k-enc\","
            + "\"selector_src_addr\":\"10.1.0.0\",\"selector_src_addr_mask\":16,\"selector_dest_addr\":\"10.2.0.0\",\"selector_dest_addr_mask\":16}},"
            + "{\"op\":\"insert\",\"table\":\"ipsec_manual_sp\",\"uuid-name\":\"p\",\"row\":"
            + "{\"src_addr\":\"10.1.0.0\",\"src_addr_mask\":16,\"dest_addr\":\"10.2.0.0\",\"dest_addr_mask\":16,\"direction\":\"out\","
            + "\"tmpl_protocol\":\"ESP\",\"tmpl_src_addr\":\"198.51.100.1\",\"tmpl_dest_addr\":\"198.51.100.2\",\"tmpl_request_id\":7}},"
            + "{\"op\":\"mutate\",\"table\":\"IPSEC\",\"where\":[],\"mutations\":["
            + "[\"ipsec_manual_sas\",\"insert\",[\"named-uuid\",\"s\"]],[\"ipsec_manual_sps\",\"insert\",[\"named-uuid\",\"p\"]]]}]");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> eventsOf(ConfigEvent.Added.class).size() == 3);
    ManualSaConfig sa =
        eventsOf(ConfigEvent.Added.class).stream()
            .map(ConfigEvent.Added::config)
            .filter(ManualSaConfig.class::isInstance)
            .map(ManualSaConfig.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(sa.key()).isEqualTo(new SaKey(4097, "198.51.100.2", IpsecProtocol.ESP));
    assertThat(sa.selector()).contains(new Selector(IpFamily.IPV4, "10.1.0.0", 16, "10.2.0.0", 16));
    ManualSpConfig sp =
        eventsOf(ConfigEvent.Added.class).stream()
            .map(ConfigEvent.Added::config)
            .filter(ManualSpConfig.class::isInstance)
            .map(ManualSpConfig.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(sp.template().orElseThrow().requestId()).isEqualTo(7);
    assertThat(sp.template().orElseThrow().mode()).isEqualTo(IpsecMode.TUNNEL);

    server.transact(
        "[{\"op\":\"update\",\"table\":\"IPSEC\",\"where\":[],\"row\":{\"ipsec_manual_sas\":[\"set\",[]]}}]");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> eventsOf(ConfigEvent.Removed.class).size() == 1);
    assertThat(eventsOf(ConfigEvent.Removed.class).get(0).previous()).isEqualTo(sa);
    assertThat(reader.current()).hasSize(2);
  }

  @Test
  void anInvalidRowGetsAnErrorInItsStatusMapAndRecoversWhenFixed() throws Exception {
    server.transact(ROOT_WITH_CONN);
    reader.start().get(10, TimeUnit.SECONDS);

    // An IPv6 peer on an IPv4 connection: the schema allows it, the reader does not.
    server.transact(
        "[{\"op\":\"update\",\"table\":\"Ipsec_Ike_Connection\",\"where\":[],"
            + "\"row\":{\"ike_remote_addr\":\"2001:db8::9\",\"ip_family\":\"IPv4\"}}]");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> eventsOf(ConfigEvent.Rejected.class).size() == 1);
    ConfigEvent.Rejected rejected = eventsOf(ConfigEvent.Rejected.class).get(0);
    assertThat(rejected.error())
        .isEqualTo(
            "ike_remote_addr: invalid value '2001:db8::9': is an IPv6 address, expected IPv4");
    assertThat(eventsOf(ConfigEvent.Removed.class)).hasSize(1);
    assertThat(reader.current()).isEmpty();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> statuses().get(IpsecSchema.CONFIG_ERROR_KEY) != null);
    assertThat(statuses()).containsEntry(IpsecSchema.CONFIG_ERROR_KEY, rejected.error());

    // A second, different problem replaces the message (map insert alone would keep the old one).
    server.transact(
        "[{\"op\":\"update\",\"table\":\"Ipsec_Ike_Connection\",\"where\":[],"
            + "\"row\":{\"ike_remote_addr\":\"203.0.113.9\",\"peer_auth_by\":\"cert\"}}]");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                statuses()
                    .getOrDefault(IpsecSchema.CONFIG_ERROR_KEY, "")
                    .contains("local_cert_id"));

    // Fixed: the config comes back and the error key goes away.
    server.transact(
        "[{\"op\":\"update\",\"table\":\"Ipsec_Ike_Connection\",\"where\":[],"
            + "\"row\":{\"local_cert_id\":\"branch-cert\"}}]");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> eventsOf(ConfigEvent.Added.class).size() == 2);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !statuses().containsKey(IpsecSchema.CONFIG_ERROR_KEY));
    assertThat(((IkeConnectionConfig) reader.current().get(0)).localCertId())
        .contains("branch-cert");
  }

  @Test
  void rowsThePublisherManagesAreNotConfiguration() throws Exception {
    reader.start().get(10, TimeUnit.SECONDS);
    try (IpsecStatusPublisher publisher =
        IpsecStatusPublisher.create(client, IpsecStatusPublisher.Options.defaults())) {
      publisher.start().get(10, TimeUnit.SECONDS);
      publisher.publish(Snapshots.snapshot(0, 3, 1)).get(10, TimeUnit.SECONDS);
    }
    server.transact(
        ROOT_WITH_CONN.replace(
            "{\"op\":\"insert\",\"table\":\"IPSEC\",\"row\":{\"ipsec_ike_connections\":[\"named-uuid\",\"c\"]}},",
            "{\"op\":\"mutate\",\"table\":\"IPSEC\",\"where\":[],\"mutations\":[[\"ipsec_ike_connections\",\"insert\",[\"named-uuid\",\"c\"]]]},"));
    await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
    assertThat(events).hasSize(1);
    assertThat(eventsOf(ConfigEvent.Added.class).get(0).config().key()).isEqualTo("branch");
    assertThat(server.rows(IpsecSchema.IKE_CONNECTION)).hasSize(4);
  }

  @Test
  void afterAReconnectionOnlyTheDifferencesAreReported() throws Exception {
    server.transact(ROOT_WITH_CONN);
    reader.start().get(10, TimeUnit.SECONDS);
    assertThat(events).hasSize(1);

    server.stop();
    server.offlineTransact(
        "[{\"op\":\"update\",\"table\":\"Ipsec_Ike_Connection\",\"where\":[],\"row\":{\"ike_group\":\"diffie14\"}}]");
    server.restart();

    await().atMost(Duration.ofSeconds(15)).until(() -> events.size() == 2);
    ConfigEvent.Changed changed = (ConfigEvent.Changed) events.get(1);
    assertThat(((IkeConnectionConfig) changed.current()).ikeGroup()).isEqualTo(DhGroup.MODP2048);
  }

  private java.util.Map<String, String> statuses() {
    ObjectNode row = server.rows(IpsecSchema.IKE_CONNECTION).get(0);
    return PublisherIT.map(row.get(IpsecSchema.IKE_CONN_STATUSES));
  }
}
