package org.nsvpn.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.model.EncapsulationMode;
import org.nsvpn.chainrules.model.IkeVersion;
import org.nsvpn.chainrules.model.TransformProtocol;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.status.ChildSaStatus;
import org.nsvpn.chainrules.status.ConnectionState;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.chainrules.status.IkeSaStatus;
import org.nsvpn.chainrules.status.Proposal;
import org.nsvpn.chainrules.status.Reason;
import org.nsvpn.chainrules.status.ReasonCode;
import org.nsvpn.chainrules.status.SaCounters;
import org.nsvpn.topology.status.ConnectionReport;
import org.nsvpn.topology.status.GatewayAssignment;
import org.nsvpn.topology.status.HostLiveness;
import org.nsvpn.topology.status.PlacementReason;
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
            1,
            "INSTALLED",
            EncapsulationMode.TUNNEL,
            TransformProtocol.ESP,
            true,
            0xc1a2b3c4L,
            0x0badf00dL,
            Optional.of(
                new Proposal(
                    "AES_CBC-256",
                    Optional.of("HMAC_SHA2_256_128"),
                    Optional.empty(),
                    Optional.of("MODP_2048"))),
            List.of("192.168.10.0/24"),
            List.of("192.168.20.0/24[udp/53]"),
            new SaCounters(1200, 12, 3400, 34, Optional.of(T0.plusSeconds(50)), Optional.empty()),
            Optional.of(T0),
            Optional.of(T0.plusSeconds(3300)),
            Optional.of(T0.plusSeconds(3600)));
    IkeSaStatus ike =
        new IkeSaStatus(
            3,
            "ESTABLISHED",
            IkeVersion.V2,
            IpAddress.parse("203.0.113.1"),
            4500,
            IpAddress.parse("198.51.100.2"),
            4500,
            "203.0.113.1",
            "198.51.100.2",
            true,
            0x0123456789abcdefL,
            0xfedcba9876543210L,
            Optional.of(
                new Proposal(
                    "AES_CBC-256",
                    Optional.of("HMAC_SHA2_256_128"),
                    Optional.of("PRF_HMAC_SHA2_256"),
                    Optional.of("MODP_2048"))),
            true,
            Optional.of(T0),
            Optional.of(T0.plusSeconds(10000)),
            Optional.empty(),
            List.of(child));
    return ConnectionStatus.up(Fixtures.CONNECTION, List.of(ike), T0.plusSeconds(60))
        .withRetired(new SaCounters(100, 1, 200, 2, Optional.of(T0), Optional.empty()));
  }

  /** A transaction creating the fixtures' host, router, uplink and VPN service. */
  private static StoreTransaction.Builder withService() {
    return StoreTransaction.builder()
        .create(Fixtures.host())
        .create(Fixtures.router())
        .create(Fixtures.uplink())
        .create(Fixtures.service());
  }

  @Test
  void statusRecordsRoundTripAndGoWithTheirObjects() throws Exception {
    store.commit(
        withService()
            .create(Fixtures.connection())
            .putSecret(
                Fixtures.connection().secret(), "k3y-k3y-k3y".getBytes(StandardCharsets.UTF_8))
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
            Optional.of("/run/nsvpn/charon/vpn-c99b23dea9a14d2c9b1e0123456789ab/charon.vici"),
            T0);
    assertThat(status.publish(service)).isTrue();
    assertThat(status.publish(Fixtures.HOST, upStatus())).isTrue();
    assertThat(status.serviceStatus(Fixtures.SERVICE)).contains(service);
    assertThat(status.connectionStatus(Fixtures.CONNECTION))
        .contains(new ConnectionReport(Fixtures.HOST, upStatus()));
    ConnectionStatus failed =
        ConnectionStatus.notUp(
            Fixtures.CONNECTION,
            Reason.of(ReasonCode.AUTHENTICATION_FAILED, "peer authentication failed"),
            List.of(),
            T0);
    status.publish(Fixtures.HOST, failed);
    assertThat(status.connectionStatus(Fixtures.CONNECTION).orElseThrow().status())
        .isEqualTo(failed);
    assertThat(failed.state()).isEqualTo(ConnectionState.ERROR);

    store.deleteCascading(Fixtures.SERVICE);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                status.connectionStatus(Fixtures.CONNECTION).isEmpty()
                    && status.serviceStatus(Fixtures.SERVICE).isEmpty());
    // A late write of an agent that has not seen the deletion yet writes nothing.
    assertThat(status.publish(Fixtures.HOST, upStatus())).isFalse();
    assertThat(status.publish(service)).isFalse();
    assertThat(client.getChildren().forPath("/nsvpn/status/ipsec-site-connections")).isEmpty();
    assertThat(client.getChildren().forPath("/nsvpn/status/vpn-services")).isEmpty();
  }

  @Test
  void assignmentsAreWrittenOnlyByTheHolderOfALeaderNodeAndGoWithTheirService() throws Exception {
    store.commit(withService().build());
    StatusStore status = store.status();
    List<Integer> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
    AutoCloseable watch = status.watchPlacement(() -> calls.add(1));
    String leader =
        client
            .create()
            .creatingParentsIfNeeded()
            .withMode(org.apache.zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL)
            .forPath(status.schedulerElectionPath() + "/latch-");
    GatewayAssignment placed =
        new GatewayAssignment(
            Fixtures.SERVICE, Fixtures.HOST, Optional.empty(), PlacementReason.PLACED, T0);
    assertThat(status.assign(placed, leader)).isTrue();
    assertThat(status.assignment(Fixtures.SERVICE)).contains(placed);
    assertThat(status.assignments()).containsEntry(Fixtures.SERVICE, placed);
    await("the watch saw the write").atMost(Duration.ofSeconds(10)).until(() -> calls.size() >= 2);

    HostId other = HostId.random();
    GatewayAssignment moved = placed.movedTo(other, PlacementReason.HOST_DEAD, T0.plusSeconds(5));
    assertThat(moved.previous()).contains(Fixtures.HOST);
    assertThat(status.assign(moved, leader)).isTrue();
    assertThat(status.assignment(Fixtures.SERVICE)).contains(moved);

    // A deposed scheduler (its election node gone with its session) writes nothing.
    client.delete().forPath(leader);
    assertThat(status.assign(placed, leader)).isFalse();
    assertThat(status.unassign(Fixtures.SERVICE, leader)).isFalse();
    assertThat(status.assignment(Fixtures.SERVICE)).contains(moved);

    store.deleteCascading(Fixtures.SERVICE);
    await("the assignment went with its service")
        .atMost(Duration.ofSeconds(10))
        .until(() -> status.assignment(Fixtures.SERVICE).isEmpty());
    String again =
        client
            .create()
            .withMode(org.apache.zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL)
            .forPath(status.schedulerElectionPath() + "/latch-");
    assertThat(status.assign(placed, again)).as("a decision about a deleted service").isFalse();
    assertThat(status.assignments()).isEmpty();
    watch.close();
  }

  @Test
  void aStoredStateThatDisagreesWithItsReasonIsRefused() throws Exception {
    store.commit(
        withService()
            .create(Fixtures.connection())
            .putSecret(
                Fixtures.connection().secret(), "k3y-k3y-k3y".getBytes(StandardCharsets.UTF_8))
            .build());
    store.status().publish(Fixtures.HOST, upStatus());
    String path = "/nsvpn/status/ipsec-site-connections/" + Fixtures.CONNECTION;
    String json = new String(client.getData().forPath(path), StandardCharsets.UTF_8);
    client
        .setData()
        .forPath(
            path,
            json.replace("\"state\":\"up\"", "\"state\":\"down\"")
                .getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> store.status().connectionStatus(Fixtures.CONNECTION))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("disagrees with the reason");
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
