package org.nsvpn.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.model.EncapsulationMode;
import org.nsvpn.chainrules.model.IkeVersion;
import org.nsvpn.chainrules.model.TransformProtocol;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.topology.status.ChildSaStatus;
import org.nsvpn.topology.status.ConnectionState;
import org.nsvpn.topology.status.ConnectionStatus;
import org.nsvpn.topology.status.HostLiveness;
import org.nsvpn.topology.status.IkeSaStatus;
import org.nsvpn.topology.status.Proposal;
import org.nsvpn.topology.status.SaCounters;
import org.nsvpn.topology.status.ServiceState;
import org.nsvpn.topology.status.VpnServiceStatus;

class StatusStoreIT {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  private StoreFixture zk;
  private CuratorFramework client;
  private TopologyStore store;

  @BeforeEach
  void start() throws Exception {
    zk = new StoreFixture();
    client = zk.client(Optional.of(StoreFixture.CREDENTIAL));
    store = TopologyStore.open(client, "/nsvpn", Optional.of(StoreFixture.CREDENTIAL));
  }

  @AfterEach
  void stop() throws Exception {
    store.close();
    client.close();
    zk.close();
  }

  static ConnectionStatus upStatus() {
    ChildSaStatus child =
        new ChildSaStatus(
            "site-b",
            7,
            "INSTALLED",
            EncapsulationMode.TUNNEL,
            TransformProtocol.ESP,
            true,
            "c1a2b3c4",
            "0badf00d",
            new Proposal(
                "AES_CBC-256",
                Optional.of("HMAC_SHA2_256_128"),
                Optional.empty(),
                Optional.of("MODP_2048")),
            List.of(IpSubnet.parse("192.168.10.0/24")),
            List.of(IpSubnet.parse("192.168.20.0/24")),
            new SaCounters(1200, 3400, 12, 34, Optional.of(T0.plusSeconds(50)), Optional.empty()),
            Optional.of(T0),
            Optional.of(T0.plusSeconds(3300)),
            Optional.of(T0.plusSeconds(3600)));
    IkeSaStatus ike =
        new IkeSaStatus(
            3,
            "ESTABLISHED",
            IkeVersion.V2,
            IpAddress.parse("201.201.201.1"),
            4500,
            IpAddress.parse("198.51.100.2"),
            4500,
            "201.201.201.1",
            "198.51.100.2",
            true,
            "0123456789abcdef",
            "fedcba9876543210",
            Optional.of(
                new Proposal(
                    "AES_CBC-256",
                    Optional.of("HMAC_SHA2_256_128"),
                    Optional.of("PRF_HMAC_SHA2_256"),
                    Optional.of("MODP_2048"))),
            Optional.of(T0),
            Optional.of(T0.plusSeconds(10000)),
            Optional.empty(),
            List.of(child));
    return new ConnectionStatus(
        Fixtures.CONNECTION,
        Fixtures.HOST,
        ConnectionState.UP,
        Optional.empty(),
        List.of(ike),
        T0.plusSeconds(60));
  }

  @Test
  void statusRecordsRoundTripAndGoWithTheirObjects() throws Exception {
    store.commit(
        StoreTransaction.builder()
            .create(Fixtures.host())
            .create(Fixtures.router())
            .create(Fixtures.uplink())
            .create(Fixtures.service())
            .create(Fixtures.connection())
            .putSecret(Fixtures.connection().psk(), "k3y-k3y-k3y".getBytes(StandardCharsets.UTF_8))
            .build());
    StatusStore status = store.status();
    assertThat(status.connectionStatus(Fixtures.CONNECTION)).isEmpty();
    VpnServiceStatus service =
        new VpnServiceStatus(
            Fixtures.SERVICE,
            Fixtures.HOST,
            ServiceState.ACTIVE,
            Optional.empty(),
            Optional.of("vpn-c99b23dea9a14d2c9b1e0123456789ab"),
            Optional.of(4242L),
            T0);
    status.publish(service);
    status.publish(upStatus());
    assertThat(status.serviceStatus(Fixtures.SERVICE)).contains(service);
    assertThat(status.connectionStatus(Fixtures.CONNECTION)).contains(upStatus());
    assertThat(upStatus().totals().bytesOut()).isEqualTo(3400);
    ConnectionStatus down =
        new ConnectionStatus(
            Fixtures.CONNECTION,
            Fixtures.HOST,
            ConnectionState.ERROR,
            Optional.of("AUTH_FAILED"),
            List.of(),
            T0);
    status.publish(down);
    assertThat(status.connectionStatus(Fixtures.CONNECTION)).contains(down);

    store.deleteCascading(Fixtures.SERVICE);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                status.connectionStatus(Fixtures.CONNECTION).isEmpty()
                    && status.serviceStatus(Fixtures.SERVICE).isEmpty());
  }

  @Test
  void livenessIsEphemeral() throws Exception {
    HostLiveness me = new HostLiveness(Fixtures.HOST, "host-a", ProcessHandle.current().pid(), T0);
    AutoCloseable registration = store.status().registerLiveness(me);
    assertThat(store.status().liveHosts()).containsEntry(Fixtures.HOST, me);
    registration.close();
    assertThat(store.status().isAlive(Fixtures.HOST)).isFalse();

    CuratorFramework agent = zk.client(Optional.empty());
    TopologyStore agentStore = TopologyStore.open(agent, "/nsvpn", Optional.empty());
    agentStore.status().registerLiveness(me);
    assertThat(store.status().isAlive(Fixtures.HOST)).isTrue();
    agent.close();
    await().atMost(Duration.ofSeconds(20)).until(() -> !store.status().isAlive(Fixtures.HOST));
  }
}
