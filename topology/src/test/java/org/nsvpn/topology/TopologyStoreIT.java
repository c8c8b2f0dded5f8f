package org.nsvpn.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouteId;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.Port;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.model.SecretRef;
import org.nsvpn.chainrules.model.TopologyChange;
import org.nsvpn.chainrules.routing.Route;
import org.nsvpn.chainrules.rules.Chain;
import org.nsvpn.chainrules.vpn.VpnRedirectPlan;

class TopologyStoreIT {
  private static final String ROOT = "/nsvpn-test";
  private static final byte[] PSK = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);

  private StoreFixture zk;
  private CuratorFramework client;
  private CuratorFramework plainClient;
  private TopologyStore store;

  @BeforeEach
  void start() throws Exception {
    zk = new StoreFixture();
    client = zk.client(Optional.of(StoreFixture.CREDENTIAL));
    plainClient = zk.client(Optional.empty());
    store = TopologyStore.open(client, ROOT, Optional.of(StoreFixture.CREDENTIAL));
  }

  @AfterEach
  void stop() throws Exception {
    store.close();
    client.close();
    plainClient.close();
    zk.close();
  }

  private void baseTopology() {
    store.commit(
        StoreTransaction.builder()
            .create(Fixtures.host())
            .create(Fixtures.router())
            .create(Fixtures.uplink())
            .create(Fixtures.tenant())
            .build());
  }

  @Test
  void aLazilyOpenedStoreCreatesNothingUntilACommitWrites() throws Exception {
    String fresh = "/nsvpn-fresh";
    try (TopologyStore lazy =
        TopologyStore.openLazily(client, fresh, Optional.of(StoreFixture.CREDENTIAL))) {
      assertThat(lazy.refresh().size()).isZero();
      assertThat(lazy.status().liveHosts()).isEmpty();
      assertThat(lazy.status().assignments()).isEmpty();
      assertThat(lazy.secretExists(new SecretRef("psk-any"))).isFalse();
      assertThatThrownBy(() -> lazy.create(Fixtures.uplink()))
          .as("a port of a router that does not exist")
          .isInstanceOf(IntegrityException.class);
      assertThat(lazy.commit(StoreTransaction.builder().build()).txn()).isZero();
      assertThat(client.checkExists().forPath(fresh)).as("nothing written").isNull();

      StoreSnapshot created = lazy.create(Fixtures.router());
      assertThat(created.txn()).isEqualTo(1);
      assertThat(created.label(Fixtures.ROUTER)).isEqualTo("router0");
      assertThat(client.checkExists().forPath(fresh + "/schema-version")).isNotNull();
    }
    try (TopologyStore again =
        TopologyStore.openLazily(client, fresh, Optional.of(StoreFixture.CREDENTIAL))) {
      assertThat(again.snapshot().get(ObjectKind.ROUTER, Fixtures.ROUTER)).isPresent();
    }
  }

  @Test
  void aLazilyOpenedStoreSeesALayoutOthersCreate() throws Exception {
    String fresh = "/nsvpn-later";
    try (TopologyStore lazy =
        TopologyStore.openLazily(client, fresh, Optional.of(StoreFixture.CREDENTIAL))) {
      assertThat(lazy.refresh().size()).isZero();
      try (TopologyStore eager =
          TopologyStore.open(client, fresh, Optional.of(StoreFixture.CREDENTIAL))) {
        eager.create(Fixtures.router());
      }
      assertThat(lazy.refresh().get(ObjectKind.ROUTER, Fixtures.ROUTER)).isPresent();
      assertThat(lazy.create(Fixtures.uplink()).label(Fixtures.UPLINK)).isEqualTo("router0:port0");
    }
  }

  @Test
  void layoutHasSchemaVersionAndEnvelopes() throws Exception {
    baseTopology();
    assertThat(
            new String(client.getData().forPath(ROOT + "/schema-version"), StandardCharsets.UTF_8))
        .isEqualTo("{\"schema-version\":1,\"format\":\"nsvpn-topology\"}");
    String router =
        new String(
            client.getData().forPath(ROOT + "/topology/routers/" + Fixtures.ROUTER),
            StandardCharsets.UTF_8);
    assertThat(router)
        .startsWith(
            "{\"kind\":\"router\",\"alias\":\"router0\",\"object\":{\"id\":\"" + Fixtures.ROUTER);
    assertThat(client.checkExists().forPath(ROOT + "/journal/0000000001")).isNotNull();
  }

  @Test
  void createsWithAliasesAndUpdatesWithVersions() {
    baseTopology();
    StoreSnapshot s = store.snapshot();
    assertThat(s.txn()).isEqualTo(1);
    assertThat(s.label(Fixtures.ROUTER)).isEqualTo("router0");
    assertThat(s.label(Fixtures.UPLINK)).isEqualTo("router0:port0");
    assertThat(s.label(Fixtures.TENANT)).isEqualTo("router0:port1");
    assertThat(s.label(Fixtures.HOST)).isEqualTo("host0");
    Versioned<Router> r = s.get(ObjectKind.ROUTER, Fixtures.ROUTER).orElseThrow();
    assertThat(r.version()).isZero();

    StoreSnapshot after =
        store.commit(
            StoreTransaction.builder().update(r.value().withAdminStateUp(false), 0).build());
    Versioned<Router> updated = after.get(ObjectKind.ROUTER, Fixtures.ROUTER).orElseThrow();
    assertThat(updated.version()).isEqualTo(1);
    assertThat(updated.alias()).isEqualTo("router0");
    assertThat(updated.value().adminStateUp()).isFalse();

    assertThatThrownBy(
            () ->
                store.commit(
                    StoreTransaction.builder().update(r.value().withAdminStateUp(true), 0).build()))
        .isInstanceOf(VersionConflictException.class)
        .hasMessageContaining("router router0 was changed by someone else (version 1, expected 0)");
    assertThatThrownBy(() -> store.create(Fixtures.router()))
        .isInstanceOf(VersionConflictException.class)
        .hasMessage("router router0 already exists");
  }

  @Test
  void aliasesAreScopedAndNeverReusedBelowTheMaximum() {
    baseTopology();
    for (int i = 0; i < 3; i++) {
      store.create(Fixtures.route(i));
    }
    StoreSnapshot s = store.snapshot();
    assertThat(s.list(ObjectKind.ROUTE, Fixtures.ROUTER))
        .extracting(Versioned::alias)
        .containsExactly("route0", "route1", "route2");
    store.commit(StoreTransaction.builder().delete(Fixtures.route(1).id()).build());
    store.create(Fixtures.route(7));
    assertThat(store.snapshot().label(Fixtures.route(7).id())).isEqualTo("router0:route3");
  }

  @Test
  void inconsistentTransactionWritesNothing() throws Exception {
    baseTopology();
    Map<String, String> before = StoreFixture.dump(plainClient, ROOT);
    Route dangling =
        Route.normal(
            RouteId.random(),
            Fixtures.ROUTER,
            org.nsvpn.chainrules.net.IpSubnet.parse("198.51.100.0/24"),
            PortId.random(),
            Optional.empty());
    assertThatThrownBy(
            () ->
                store.commit(
                    StoreTransaction.builder().create(Fixtures.route(1)).create(dangling).build()))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("(new route) has next-hop port")
        .hasMessageContaining("which is not a port of router router0");
    assertThat(StoreFixture.dump(plainClient, ROOT)).isEqualTo(before);
  }

  @Test
  void deletingSomethingReferencedNamesTheReferrer() throws Exception {
    baseTopology();
    Chain chain = Chain.empty(Fixtures.CHAIN, "redirect");
    store.create(chain);
    Versioned<Router> r = store.snapshot().get(ObjectKind.ROUTER, Fixtures.ROUTER).orElseThrow();
    store.commit(
        StoreTransaction.builder()
            .update(r.value().withLocalRedirectChain(Optional.of(chain.id())), r.version())
            .build());
    Map<String, String> before = StoreFixture.dump(plainClient, ROOT);
    assertThatThrownBy(() -> store.commit(StoreTransaction.builder().delete(chain.id()).build()))
        .isInstanceOf(IntegrityException.class)
        .hasMessage(
            "cannot delete chain chain0: still referenced by router router0 (local-redirect-chain)");
    assertThatThrownBy(() -> store.commit(StoreTransaction.builder().delete(Fixtures.HOST).build()))
        .hasMessage("cannot delete host host0: still referenced by port router0:port1 (binding)");
    assertThatThrownBy(
            () -> store.commit(StoreTransaction.builder().delete(Fixtures.ROUTER).build()))
        .hasMessageStartingWith(
            "cannot delete router router0: still referenced by port router0:port0 (device)");
    assertThat(StoreFixture.dump(plainClient, ROOT)).isEqualTo(before);
  }

  @Test
  void vpnPlanCommitsAtomicallyAndRouterDeletionCascades() {
    baseTopology();
    store.commit(
        StoreTransaction.builder()
            .create(Fixtures.service())
            .create(Fixtures.connection())
            .putSecret(Fixtures.connection().secret(), PSK)
            .build());
    StoreSnapshot s = store.snapshot();
    VpnRedirectPlan plan = VpnRedirectPlan.request(s.topology(), Fixtures.SERVICE).compute();
    StoreSnapshot installed = store.commit(plan.installChange(s.topology()));
    assertThat(installed.topology().routes(Fixtures.ROUTER)).hasSize(2);
    assertThat(installed.label(plan.namespacePort().id())).isEqualTo("router0:port2");
    assertThat(installed.label(plan.localRedirectChain())).isEqualTo("chain0");
    assertThat(installed.ruleLabel(plan.localRedirectChain(), plan.redirectRules().get(2).id()))
        .isEqualTo("chain0:rule2");
    assertThat(installed.label(Fixtures.SERVICE)).isEqualTo("vpn0");
    assertThat(installed.label(Fixtures.CONNECTION)).isEqualTo("vpn0:conn0");
    assertThat(store.commit(plan.installChange(installed.topology())).txn())
        .as("an already installed plan writes nothing")
        .isEqualTo(installed.txn());

    StoreSnapshot gone = store.deleteCascading(Fixtures.ROUTER);
    assertThat(gone.topology().routers()).isEmpty();
    assertThat(gone.topology().ports()).isEmpty();
    assertThat(gone.topology().routes()).isEmpty();
    assertThat(gone.topology().connections()).isEmpty();
    assertThat(gone.topology().hosts()).hasSize(1);
    assertThat(store.secretExists(Fixtures.connection().secret()))
        .as("the secret is the caller's to delete")
        .isTrue();
  }

  @Test
  void secretsAreStoredApartAndUnreadableWithoutTheCredential() throws Exception {
    baseTopology();
    store.commit(
        StoreTransaction.builder()
            .create(Fixtures.service())
            .create(Fixtures.connection())
            .putSecret(Fixtures.connection().secret(), PSK)
            .build());
    assertThat(store.readSecret(Fixtures.connection().secret())).isEqualTo(PSK);
    String secretPath = ROOT + "/secrets/site-b-psk";
    assertThatThrownBy(() -> plainClient.getData().forPath(secretPath))
        .isInstanceOf(KeeperException.NoAuthException.class);
    String connectionNode =
        new String(
            plainClient
                .getData()
                .forPath(ROOT + "/topology/ipsec-site-connections/" + Fixtures.CONNECTION),
            StandardCharsets.UTF_8);
    assertThat(connectionNode).contains("\"psk-ref\":\"site-b-psk\"").doesNotContain("horse");

    try (TopologyStore noCredential = TopologyStore.open(plainClient, ROOT, Optional.empty())) {
      assertThat(noCredential.secretExists(Fixtures.connection().secret())).isTrue();
      assertThatThrownBy(() -> noCredential.readSecret(Fixtures.connection().secret()))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("needs the secrets credential");
      Map<String, String> before = StoreFixture.dump(plainClient, ROOT);
      assertThatThrownBy(
              () ->
                  noCredential.commit(
                      StoreTransaction.builder().putSecret(new SecretRef("x"), PSK).build()))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("needs the secrets credential");
      assertThat(StoreFixture.dump(plainClient, ROOT)).isEqualTo(before);
    }
  }

  @Test
  void connectionWithoutItsSecretOrSecretStillUsedIsRefused() throws Exception {
    baseTopology();
    store.create(Fixtures.service());
    Map<String, String> before = StoreFixture.dump(plainClient, ROOT);
    assertThatThrownBy(() -> store.create(Fixtures.connection()))
        .isInstanceOf(IntegrityException.class)
        .hasMessageStartingWith("psk: ipsec-site-connection site-b refers to secret 'site-b-psk'");
    assertThat(StoreFixture.dump(plainClient, ROOT)).isEqualTo(before);
    store.commit(
        StoreTransaction.builder()
            .create(Fixtures.connection())
            .putSecret(Fixtures.connection().secret(), PSK)
            .build());
    assertThatThrownBy(
            () ->
                store.commit(
                    StoreTransaction.builder()
                        .deleteSecret(Fixtures.connection().secret())
                        .build()))
        .hasMessage("cannot delete secret 'site-b-psk': used by ipsec-site-connection vpn0:conn0");
  }

  @Test
  void storesOfTwoProcessesSeeEachOtherThroughTheJournal() throws Exception {
    try (TopologyStore other = TopologyStore.open(plainClient, ROOT, Optional.empty())) {
      baseTopology();
      other.create(Fixtures.route(1));
      StoreSnapshot seen = store.refresh();
      assertThat(seen.topology().routes()).containsExactly(Fixtures.route(1));
      store.create(Fixtures.route(2));
      assertThat(other.refresh().topology().routes()).hasSize(2);
      assertThat(other.snapshot().txn()).isEqualTo(store.snapshot().txn());
    }
  }

  @Test
  void concurrentWritersAreSerialisedWithUniqueAliases() throws Exception {
    baseTopology();
    try (TopologyStore other = TopologyStore.open(plainClient, ROOT, Optional.empty())) {
      inTwoWriters(other, 40, (writer, i) -> writer.create(Fixtures.route(i)));
      StoreSnapshot s = store.refresh();
      assertThat(s.topology().routes()).hasSize(80);
      assertThat(s.list(ObjectKind.ROUTE).stream().map(Versioned::alias).distinct()).hasSize(80);
      assertThat(s.txn()).isEqualTo(81);
      assertThat(other.refresh().topology()).isEqualTo(s.topology());
    }
  }

  /**
   * Runs {@code write} {@code count} times in each of two threads at once, one writing through
   * {@link #store}, one through {@code other}; the second thread's numbers start at 100.
   */
  private void inTwoWriters(
      TopologyStore other, int count, java.util.function.ObjIntConsumer<TopologyStore> write)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        TopologyStore writer = w == 0 ? store : other;
        int base = w * 100;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < count; i++) {
                    write.accept(writer, base + i);
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void everyPortGetsAUniqueTunnelKeyThatItKeepsAndThatIsNotHandedOutAgainBelowTheMaximum()
      throws Exception {
    baseTopology();
    StoreSnapshot s = store.snapshot();
    TunnelKey uplink = s.tunnelKey(Fixtures.UPLINK).orElseThrow();
    TunnelKey tenant = s.tunnelKey(Fixtures.TENANT).orElseThrow();
    assertThat(List.of(uplink.value(), tenant.value())).containsExactlyInAnyOrder(1, 2);
    assertThat(s.tunnelKeys()).containsEntry(uplink, Fixtures.UPLINK);
    assertThat(
            new String(
                client.getData().forPath(ROOT + "/topology/ports/" + Fixtures.UPLINK),
                StandardCharsets.UTF_8))
        .contains("\"tunnel-key\":" + uplink.value());

    Versioned<Port> port = s.get(ObjectKind.PORT, Fixtures.UPLINK).orElseThrow();
    StoreSnapshot updated =
        store.commit(
            StoreTransaction.builder()
                .update(((RouterPort) port.value()).withAdminStateUp(false), port.version())
                .build());
    assertThat(updated.tunnelKey(Fixtures.UPLINK)).contains(uplink);

    store.create(Fixtures.port(1));
    assertThat(store.snapshot().tunnelKey(Fixtures.port(1).id()).orElseThrow().value())
        .isEqualTo(3);
    store.commit(StoreTransaction.builder().delete(Fixtures.TENANT).build());
    store.create(Fixtures.tenant());
    assertThat(store.snapshot().tunnelKey(Fixtures.TENANT).orElseThrow().value()).isEqualTo(4);
    try (TopologyStore other = TopologyStore.open(plainClient, ROOT, Optional.empty())) {
      assertThat(other.snapshot().tunnelKeys()).isEqualTo(store.snapshot().tunnelKeys());
    }
  }

  /**
   * A commit derives the next snapshot's alias, name and tunnel-key indexes from its base's,
   * changed by what it wrote; after creations, updates, a rename and deletions they must be those a
   * fresh load builds from the objects.
   */
  @Test
  void indexesCarriedFromCommitToCommitAreThoseAFreshLoadBuilds() throws Exception {
    baseTopology();
    List<Runnable> steps =
        List.of(
            () -> store.create(Fixtures.route(0)),
            () -> store.create(Fixtures.route(1)),
            () -> store.create(Fixtures.port(1)),
            () -> store.commit(StoreTransaction.builder().delete(Fixtures.route(0).id()).build()),
            () -> store.create(Fixtures.route(2)),
            () -> {
              Versioned<Router> r =
                  store.snapshot().get(ObjectKind.ROUTER, Fixtures.ROUTER).orElseThrow();
              store.commit(
                  StoreTransaction.builder()
                      .update(Router.of(Fixtures.ROUTER, "renamed"), r.version())
                      .build());
            },
            () -> store.commit(StoreTransaction.builder().delete(Fixtures.TENANT).build()),
            () -> store.create(Fixtures.tenant()));
    for (Runnable step : steps) {
      touchIndexes(store.snapshot());
      step.run();
    }
    StoreSnapshot carried = store.snapshot();
    try (TopologyStore other = TopologyStore.open(plainClient, ROOT, Optional.empty())) {
      StoreSnapshot fresh = other.snapshot();
      assertThat(fresh.txn()).isEqualTo(carried.txn());
      assertThat(carried.tunnelKeys()).isEqualTo(fresh.tunnelKeys());
      assertThat(carried.named(ObjectKind.ROUTER, "renamed")).containsExactly(Fixtures.ROUTER);
      assertThat(carried.named(ObjectKind.ROUTER, "router1")).isEmpty();
      for (ObjectKind<?, ?> kind : ObjectKind.ALL) {
        for (Versioned<? extends Identified> v : fresh.list(kind)) {
          Optional<EntityId> scope = StoreSnapshot.scopeOf(v.value());
          assertThat(carried.byAlias(kind, scope, v.alias())).contains(v.value().id());
          assertThat(carried.aliases(kind, scope)).isEqualTo(fresh.aliases(kind, scope));
          Optional<String> name = kind.nameOf(v.value());
          if (name.isPresent()) {
            List<? extends EntityId> named = carried.named(kind, name.get());
            List<? extends EntityId> expected = fresh.named(kind, name.get());
            assertThat(new HashSet<EntityId>(named)).isEqualTo(new HashSet<EntityId>(expected));
          }
        }
      }
      assertThat(carried.byAlias(ObjectKind.ROUTE, Optional.of(Fixtures.ROUTER), "route0"))
          .isEmpty();
    }
  }

  /** Builds a snapshot's indexes, so that the next commit carries them. */
  private static void touchIndexes(StoreSnapshot s) {
    s.byAlias(ObjectKind.ROUTER, Optional.empty(), "router0");
    s.named(ObjectKind.ROUTER, "router1");
    s.tunnelKeys();
  }

  @Test
  void concurrentWritersNeverGiveTwoPortsOneTunnelKey() throws Exception {
    store.create(Fixtures.router());
    try (TopologyStore other = TopologyStore.open(plainClient, ROOT, Optional.empty())) {
      inTwoWriters(other, 30, (writer, i) -> writer.create(Fixtures.port(i)));
      StoreSnapshot s = store.refresh();
      assertThat(s.topology().ports()).hasSize(60);
      assertThat(s.tunnelKeys()).hasSize(60);
      assertThat(s.tunnelKeys().firstKey().value()).isEqualTo(1);
      assertThat(s.tunnelKeys().lastKey().value()).isEqualTo(60);
    }
  }

  @Test
  void aTrimmedJournalFallsBackToAFullLoad() throws Exception {
    try (TopologyStore other = TopologyStore.open(plainClient, ROOT, Optional.empty())) {
      baseTopology();
      store.create(Fixtures.route(1));
      client.delete().forPath(ROOT + "/journal/0000000001");
      assertThat(other.refresh().topology()).isEqualTo(store.snapshot().topology());
    }
  }

  @Test
  void aNewerSchemaIsRefusedUntouched() throws Exception {
    client
        .setData()
        .forPath(
            ROOT + "/schema-version", "{\"schema-version\":2}".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> TopologyStore.open(client, ROOT, Optional.empty()))
        .isInstanceOf(SchemaVersionException.class)
        .hasMessageContaining("schema version 2; this nsvpn reads version 1");
  }

  @Test
  void connectionUpdatesKeepTheirSecret() {
    baseTopology();
    store.commit(
        StoreTransaction.builder()
            .create(Fixtures.service())
            .create(Fixtures.connection())
            .putSecret(Fixtures.connection().secret(), PSK)
            .build());
    Versioned<IpsecSiteConnection> c =
        store.snapshot().get(ObjectKind.CONNECTION, Fixtures.CONNECTION).orElseThrow();
    IpsecSiteConnection changed = c.value().toBuilder().mtu(1300).build();
    StoreSnapshot s = store.commit(StoreTransaction.builder().update(changed, c.version()).build());
    assertThat(s.get(ObjectKind.CONNECTION, Fixtures.CONNECTION).orElseThrow().value().mtu())
        .isEqualTo(1300);
    assertThat(s.get(ObjectKind.CONNECTION, IpsecSiteConnectionId.random())).isEmpty();
    assertThat(store.commit(TopologyChange.EMPTY).txn()).isEqualTo(s.txn());
  }
}
