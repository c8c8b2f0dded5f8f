package org.nsvpn.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryForever;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.routing.Route;
import org.nsvpn.topology.status.HostLiveness;
import org.nsvpn.topology.testing.TestingServers;

/**
 * Watches and liveness across the failures a ZooKeeper client sees in production: the server it
 * talks to dies (connection loss, reconnection to another member of the ensemble) and its session
 * expires. Changes made meanwhile by another client must arrive exactly once.
 */
class ConnectionLossIT {
  private static final String ROOT = "/nsvpn";
  private static final Duration WAIT = Duration.ofSeconds(60);

  private TestingCluster cluster;
  private CuratorFramework writerClient;
  private CuratorFramework watcherClient;
  private TopologyStore writer;
  private TopologyStore watcher;

  @BeforeEach
  void start() throws Exception {
    cluster = new TestingCluster(3);
    cluster.start();
    writerClient = client();
    watcherClient = client();
    writer = TopologyStore.open(writerClient, ROOT, Optional.empty());
    watcher = TopologyStore.open(watcherClient, ROOT, Optional.empty());
    writer.commit(
        StoreTransaction.builder()
            .create(Fixtures.host())
            .create(Fixtures.router())
            .create(Fixtures.uplink())
            .create(Fixtures.tenant())
            .build());
  }

  private CuratorFramework client() throws InterruptedException {
    CuratorFramework c =
        CuratorFrameworkFactory.builder()
            .connectString(cluster.getConnectString())
            .sessionTimeoutMs(10_000)
            .connectionTimeoutMs(5_000)
            .retryPolicy(new RetryForever(200))
            .build();
    c.start();
    assertThat(c.blockUntilConnected(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    return c;
  }

  @AfterEach
  void stop() throws Exception {
    watcher.close();
    writer.close();
    watcherClient.close();
    writerClient.close();
    cluster.close();
    for (InstanceSpec instance : cluster.getInstances()) {
      TestingServers.removeConfigurations(instance.getDataDirectory());
    }
  }

  @Test
  void connectionLossThenReconnectionToAnotherServerResyncs() throws Exception {
    Recorder<Route> routes = new Recorder<>();
    Recorder<Identified> view = new Recorder<>();
    TopologyWatch routeWatch = watcher.watch(ObjectKind.ROUTE, routes);
    TopologyWatch viewWatch = watcher.watchRouter(Fixtures.ROUTER, view);
    for (int i = 0; i < 10; i++) {
      writer.create(Fixtures.route(i));
    }
    await().atMost(WAIT).until(() -> routes.state().size() == 10 && view.state().size() == 14);

    java.util.concurrent.atomic.AtomicBoolean lost =
        new java.util.concurrent.atomic.AtomicBoolean();
    watcherClient
        .getConnectionStateListenable()
        .addListener((c, s) -> lost.compareAndSet(false, s == ConnectionState.SUSPENDED));
    InstanceSpec connected =
        cluster.findConnectionInstance(watcherClient.getZookeeperClient().getZooKeeper());
    cluster.killServer(connected);
    await().atMost(WAIT).untilTrue(lost);
    for (int i = 10; i < 20; i++) {
      writer.create(Fixtures.route(i));
    }
    writer.commit(StoreTransaction.builder().delete(Fixtures.route(2).id()).build());

    await().atMost(WAIT).until(() -> routes.state().size() == 19);
    await().atMost(WAIT).until(() -> view.state().size() == 23);
    assertThat(ids(routes.state())).isEqualTo(ids(truth(ObjectKind.ROUTE)));
    assertThat(routes.count(TopologyEvent.Created.class)).isEqualTo(20);
    assertThat(routes.count(TopologyEvent.Deleted.class)).isEqualTo(1);
    routes.assertClean();
    view.assertClean();
    routeWatch.close();
    viewWatch.close();
  }

  @Test
  void sessionExpiryResyncsWatchesAndRestoresLiveness() throws Exception {
    Recorder<Route> routes = new Recorder<>();
    TopologyWatch routeWatch = watcher.watch(ObjectKind.ROUTE, routes);
    AutoCloseable liveness =
        watcher
            .status()
            .registerLiveness(
                new HostLiveness(
                    Fixtures.HOST,
                    "host-a",
                    ProcessHandle.current().pid(),
                    java.time.Instant.now()));
    // The writer may talk to another server of the ensemble, which applies the registration a
    // moment later: ZooKeeper orders reads per client, not across clients.
    await().atMost(WAIT).until(() -> writer.status().isAlive(Fixtures.HOST));
    writer.create(Fixtures.route(0));
    await().atMost(WAIT).until(() -> routes.state().size() == 1);

    java.util.concurrent.atomic.AtomicBoolean expired =
        new java.util.concurrent.atomic.AtomicBoolean();
    watcherClient
        .getConnectionStateListenable()
        .addListener((c, s) -> expired.compareAndSet(false, s == ConnectionState.LOST));
    watcherClient.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
    for (int i = 1; i < 6; i++) {
      writer.create(Fixtures.route(i));
    }
    writer.commit(StoreTransaction.builder().delete(Fixtures.route(0).id()).build());
    await().atMost(WAIT).untilTrue(expired);
    await()
        .atMost(WAIT)
        .until(
            () ->
                routes.state().size() == 5 && !routes.state().containsKey(Fixtures.route(0).id()));
    assertThat(ids(routes.state())).isEqualTo(ids(truth(ObjectKind.ROUTE)));
    routes.assertClean();
    await().atMost(WAIT).until(() -> writer.status().isAlive(Fixtures.HOST));

    liveness.close();
    await().atMost(WAIT).until(() -> !writer.status().isAlive(Fixtures.HOST));
    routeWatch.close();
  }

  private <T extends Identified> Map<EntityId, Versioned<T>> truth(ObjectKind<?, T> kind) {
    return writer.refresh().list(kind).stream()
        .collect(Collectors.toMap(v -> v.value().id(), v -> v));
  }

  private static Map<EntityId, Integer> ids(Map<EntityId, ? extends Versioned<?>> m) {
    return m.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().version()));
  }
}
