package org.nsvpn.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.routing.Route;
import org.nsvpn.chainrules.rules.Chain;

/** Watches against one real server, including a server restart. */
class WatchIT {
  private static final String ROOT = "/nsvpn";
  private static final Duration WAIT = Duration.ofSeconds(30);

  private StoreFixture zk;
  private CuratorFramework writerClient;
  private CuratorFramework watcherClient;
  private TopologyStore writer;
  private TopologyStore watcher;

  @BeforeEach
  void start() throws Exception {
    zk = new StoreFixture();
    writerClient = zk.client(Optional.empty());
    watcherClient = zk.client(Optional.empty());
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

  @AfterEach
  void stop() throws Exception {
    watcher.close();
    writer.close();
    watcherClient.close();
    writerClient.close();
    zk.close();
  }

  @Test
  void kindStreamDeliversExistingObjectsThenChangesInOrder() {
    writer.create(Fixtures.route(0));
    Recorder<Route> routes = new Recorder<>();
    TopologyWatch watch = watcher.watch(ObjectKind.ROUTE, routes);
    await().atMost(WAIT).until(watch::isInitialized);
    assertThat(routes.events()).hasSize(2);
    assertThat(routes.events().get(0)).isInstanceOf(TopologyEvent.Created.class);
    assertThat(routes.events().get(1)).isInstanceOf(TopologyEvent.Initialized.class);

    for (int i = 1; i <= 20; i++) {
      writer.create(Fixtures.route(i));
    }
    Route first = Fixtures.route(0);
    Route changed =
        new Route(
            first.id(),
            first.router(),
            first.source(),
            first.destination(),
            first.type(),
            first.nextHopPort(),
            first.nextHopGateway(),
            7);
    writer.commit(StoreTransaction.builder().update(changed, 0).build());
    writer.commit(StoreTransaction.builder().delete(Fixtures.route(5).id()).build());
    await()
        .atMost(WAIT)
        .until(() -> routes.state().size() == 20 && routes.count(TopologyEvent.Deleted.class) == 1);
    await().atMost(WAIT).until(() -> routes.count(TopologyEvent.Updated.class) == 1);
    assertThat(routes.state().get(first.id()).value().weight()).isEqualTo(7);
    assertThat(routes.state().get(first.id()).version()).isEqualTo(1);
    assertThat(routes.state().get(first.id()).alias()).isEqualTo("route0");
    // creation order is delivery order
    assertThat(
            routes.events().stream()
                .filter(e -> e instanceof TopologyEvent.Created<Route>)
                .map(e -> ((TopologyEvent.Created<Route>) e).object().alias())
                .toList())
        .startsWith("route0", "route1", "route2", "route3");
    routes.assertClean();
    watch.close();
    watch.close();
  }

  @Test
  void routerViewFollowsMembershipThroughReferences() {
    RouterId otherRouter = RouterId.random();
    writer.commit(
        StoreTransaction.builder()
            .create(Router.of(otherRouter, "other"))
            .create(
                RouterPort.of(
                    org.nsvpn.chainrules.id.PortId.random(),
                    otherRouter,
                    MacAddress.parse("02:00:00:00:01:01")))
            .build());
    Recorder<Identified> view = new Recorder<>();
    TopologyWatch watch = watcher.watchRouter(Fixtures.ROUTER, view);
    await().atMost(WAIT).until(watch::isInitialized);
    await()
        .atMost(WAIT)
        .until(
            () -> view.state().keySet(),
            ids ->
                ids.containsAll(
                    java.util.List.of(
                        Fixtures.ROUTER, Fixtures.UPLINK, Fixtures.TENANT, Fixtures.HOST)));
    assertThat(view.state()).hasSize(4);

    Chain chain = Chain.empty(Fixtures.CHAIN, "redirect");
    writer.create(chain);
    Versioned<Router> r = writer.snapshot().get(ObjectKind.ROUTER, Fixtures.ROUTER).orElseThrow();
    writer.commit(
        StoreTransaction.builder()
            .update(r.value().withLocalRedirectChain(Optional.of(chain.id())), r.version())
            .build());
    await().atMost(WAIT).until(() -> view.state().containsKey(Fixtures.CHAIN));

    writer.commit(StoreTransaction.builder().create(Fixtures.service()).build());
    await().atMost(WAIT).until(() -> view.state().containsKey(Fixtures.SERVICE));

    writer.deleteCascading(Fixtures.SERVICE);
    r = writer.snapshot().get(ObjectKind.ROUTER, Fixtures.ROUTER).orElseThrow();
    writer.commit(
        StoreTransaction.builder()
            .update(r.value().withLocalRedirectChain(Optional.empty()), r.version())
            .build());
    await()
        .atMost(WAIT)
        .until(
            () ->
                !view.state().containsKey(Fixtures.CHAIN)
                    && !view.state().containsKey(Fixtures.SERVICE));
    assertThat(writer.snapshot().topology().chain(Fixtures.CHAIN)).as("still stored").isPresent();
    assertThat(view.state().keySet()).doesNotContain(otherRouter);
    assertThat(watch.current().keySet()).isEqualTo(view.state().keySet());
    view.assertClean();
    watch.close();
  }

  @Test
  void streamsSurviveAServerRestartWithoutDuplicates() throws Exception {
    Recorder<Route> routes = new Recorder<>();
    TopologyWatch watch = watcher.watch(ObjectKind.ROUTE, routes);
    for (int i = 0; i < 10; i++) {
      writer.create(Fixtures.route(i));
    }
    await().atMost(WAIT).until(() -> routes.state().size() == 10);
    zk.server.restart();
    for (int i = 10; i < 20; i++) {
      writer.create(Fixtures.route(i));
    }
    writer.commit(StoreTransaction.builder().delete(Fixtures.route(3).id()).build());
    await().atMost(WAIT).until(() -> routes.state().size() == 19);
    assertThat(sameAsStore(routes.state(), ObjectKind.ROUTE)).isTrue();
    assertThat(routes.count(TopologyEvent.Created.class)).isEqualTo(20);
    assertThat(routes.count(TopologyEvent.Deleted.class)).isEqualTo(1);
    assertThat(routes.count(TopologyEvent.Initialized.class)).isEqualTo(1);
    routes.assertClean();
    watch.close();
  }

  private <T extends Identified> boolean sameAsStore(
      Map<EntityId, Versioned<T>> seen, ObjectKind<?, T> kind) {
    Map<EntityId, Versioned<T>> truth =
        writer.refresh().list(kind).stream().collect(Collectors.toMap(v -> v.value().id(), v -> v));
    return truth.equals(seen);
  }
}
