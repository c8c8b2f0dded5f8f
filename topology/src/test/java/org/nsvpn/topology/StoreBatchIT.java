package org.nsvpn.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouteId;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.routing.Route;
import org.nsvpn.chainrules.rules.Chain;

/** Batches: checked step by step, written as one ZooKeeper transaction or not at all. */
class StoreBatchIT {
  private static final String ROOT = "/nsvpn-batch";
  private static final byte[] PSK = "batch-test-psk".getBytes(StandardCharsets.UTF_8);

  private StoreFixture zk;
  private CuratorFramework client;
  private TopologyStore store;

  @BeforeEach
  void start() throws Exception {
    zk = new StoreFixture();
    client = zk.client(Optional.of(StoreFixture.CREDENTIAL));
    store = TopologyStore.open(client, ROOT, Optional.of(StoreFixture.CREDENTIAL));
    store.create(Fixtures.host());
  }

  @AfterEach
  void stop() throws Exception {
    store.close();
    client.close();
    zk.close();
  }

  @Test
  void aBatchIsOneTransactionWithTheAliasesItWasCheckedWith() throws Exception {
    long before = store.refresh().txn();
    StoreBatch batch = store.batch();
    StoreSnapshot preview = addServiceSteps(batch);
    assertThat(preview.label(Fixtures.CONNECTION)).isEqualTo("vpn0:conn0");
    assertThat(store.refresh().txn()).as("nothing written before commit").isEqualTo(before);
    assertThat(client.checkExists().forPath(ROOT + "/topology/routers/" + Fixtures.ROUTER))
        .isNull();

    StoreSnapshot after = batch.commit();
    assertThat(after.txn()).as("one transaction").isEqualTo(before + 1);
    assertThat(store.refresh().txn()).isEqualTo(before + 1);
    assertThat(after.label(Fixtures.CONNECTION)).isEqualTo("vpn0:conn0");
    Versioned<Router> stored = after.get(ObjectKind.ROUTER, Fixtures.ROUTER).orElseThrow();
    assertThat(stored.value().adminStateUp()).isFalse();
    Stat stat = client.checkExists().forPath(ROOT + "/topology/routers/" + Fixtures.ROUTER);
    assertThat(stored.version())
        .as("created and updated in one transaction: ZooKeeper's version 0")
        .isZero()
        .isEqualTo(stat.getVersion());
    assertThat(
            new String(
                client.getData().forPath(String.format(ROOT + "/journal/%010d", before + 1)),
                StandardCharsets.UTF_8))
        .contains("routers/" + Fixtures.ROUTER)
        .contains("ports/" + Fixtures.UPLINK)
        .contains("vpn-services/" + Fixtures.SERVICE)
        .contains("ipsec-site-connections/" + Fixtures.CONNECTION);
    assertThat(store.readSecret(Fixtures.connection().secret())).isEqualTo(PSK);
    try (TopologyStore reader =
        TopologyStore.open(client, ROOT, Optional.of(StoreFixture.CREDENTIAL))) {
      assertThat(reader.snapshot().get(ObjectKind.ROUTER, Fixtures.ROUTER)).contains(stored);
    }
  }

  /**
   * Five steps: a router, its uplink, a VPN service, a connection with its PSK, and the router set
   * administratively down; returns the batch's preview.
   */
  private static StoreSnapshot addServiceSteps(StoreBatch batch) {
    batch.add(StoreTransaction.builder().create(Fixtures.router()).build());
    batch.add(StoreTransaction.builder().create(Fixtures.uplink()).build());
    batch.add(StoreTransaction.builder().create(Fixtures.service()).build());
    batch.add(
        StoreTransaction.builder()
            .create(Fixtures.connection())
            .putSecret(Fixtures.connection().secret(), PSK)
            .build());
    Versioned<Router> router =
        batch.snapshot().get(ObjectKind.ROUTER, Fixtures.ROUTER).orElseThrow();
    return batch.add(
        StoreTransaction.builder()
            .update(router.value().withAdminStateUp(false), router.version())
            .build());
  }

  @Test
  void aRefusedStepLeavesTheBatchAsItWas() {
    StoreBatch batch = store.batch();
    StoreSnapshot afterRouter =
        batch.add(StoreTransaction.builder().create(Fixtures.router()).build());
    Route viaMissingPort =
        Route.normal(
            RouteId.random(),
            Fixtures.ROUTER,
            IpSubnet.parse("10.0.0.0/8"),
            PortId.random(),
            Optional.empty());
    assertThat(
            catchThrowableOfType(
                IntegrityException.class,
                () -> batch.add(StoreTransaction.builder().create(viaMissingPort).build())))
        .isNotNull();
    assertThat(batch.snapshot()).isSameAs(afterRouter);
    StoreSnapshot after = batch.commit();
    assertThat(after.topology().routers()).hasSize(1);
    assertThat(after.topology().routes()).isEmpty();
  }

  @Test
  void aBatchOfManyStepsCommitsAfterAnotherWriterAsTheStepItAmountsTo() throws Exception {
    try (CuratorFramework otherClient = zk.client(Optional.of(StoreFixture.CREDENTIAL));
        TopologyStore other =
            TopologyStore.open(otherClient, ROOT, Optional.of(StoreFixture.CREDENTIAL))) {
      StoreBatch batch = store.batch();
      addServiceSteps(batch);
      ChainId theirs = ChainId.random();
      long otherTxn = other.create(Chain.empty(theirs, "theirs")).txn();

      StoreSnapshot after = batch.commit();

      assertThat(after.txn())
          .as("one transaction after the other writer's")
          .isEqualTo(otherTxn + 1);
      assertThat(after.label(Fixtures.CONNECTION)).isEqualTo("vpn0:conn0");
      assertThat(after.label(theirs)).isEqualTo("chain0");
      assertThat(after.get(ObjectKind.ROUTER, Fixtures.ROUTER).orElseThrow().value().adminStateUp())
          .isFalse();
      assertThat(store.readSecret(Fixtures.connection().secret())).isEqualTo(PSK);
      try (TopologyStore reader =
          TopologyStore.open(client, ROOT, Optional.of(StoreFixture.CREDENTIAL))) {
        assertThat(reader.snapshot().topology()).isEqualTo(after.topology());
      }
    }
  }

  @Test
  void aBatchFollowsOtherWritersUnlessTheyTakeItsAliases() throws Exception {
    try (CuratorFramework otherClient = zk.client(Optional.of(StoreFixture.CREDENTIAL));
        TopologyStore other =
            TopologyStore.open(otherClient, ROOT, Optional.of(StoreFixture.CREDENTIAL))) {
      StoreBatch batch = store.batch();
      ChainId mine = ChainId.random();
      assertThat(batch.add(create(Chain.empty(mine, "mine"))).label(mine)).isEqualTo("chain0");
      other.create(Fixtures.router());
      StoreSnapshot followed = batch.commit();
      assertThat(followed.label(mine)).isEqualTo("chain0");
      assertThat(followed.topology().routers()).as("the other writer's router").hasSize(1);

      StoreBatch late = store.batch();
      ChainId second = ChainId.random();
      assertThat(late.add(create(Chain.empty(second, "second"))).label(second)).isEqualTo("chain1");
      other.create(Chain.empty(ChainId.random(), "theirs"));
      Map<String, String> tree = StoreFixture.dump(client, ROOT);
      VersionConflictException e =
          catchThrowableOfType(VersionConflictException.class, late::commit);
      assertThat(e).isNotNull();
      assertThat(e.getMessage())
          .isEqualTo(
              "the store changed while the commands were being checked: chain chain1 would now be"
                  + " chain2; nothing was written, run them again");
      assertThat(StoreFixture.dump(client, ROOT)).isEqualTo(tree);
    }
  }

  @Test
  void whatABatchCreatesAndDeletesAgainIsNeverWritten() {
    long before = store.refresh().txn();
    StoreBatch batch = store.batch();
    Chain chain = Chain.empty(ChainId.random(), "transient");
    batch.add(create(chain));
    batch.add(StoreTransaction.builder().delete(chain.id()).build());
    assertThat(batch.commit().txn()).isEqualTo(before);
    assertThat(store.refresh().txn()).isEqualTo(before);
  }

  @Test
  void aBatchChecksTheStoreRulesAtEachStep() {
    StoreBatch batch = store.batch();
    batch.add(create(Fixtures.router()));
    Route offLink =
        Route.normal(
            RouteId.random(),
            Fixtures.ROUTER,
            IpSubnet.parse("10.0.0.0/8"),
            Fixtures.UPLINK,
            Optional.of(IpAddress.parse("192.0.2.254")));
    batch.add(create(Fixtures.uplink()));
    IntegrityException e =
        catchThrowableOfType(IntegrityException.class, () -> batch.add(create(offLink)));
    assertThat(e).isNotNull();
    assertThat(e.getMessage()).startsWith("gw: 192.0.2.254 is outside the subnets");
  }

  @Test
  void whatWouldNotFitInOneZooKeeperRequestIsRefusedBeforeItIsSent() throws Exception {
    Map<String, String> tree = StoreFixture.dump(client, ROOT);
    StoreBatch batch = store.batch();
    batch.add(create(Fixtures.router()));
    batch.add(
        StoreTransaction.builder()
            .putSecret(new org.nsvpn.chainrules.model.SecretRef("huge"), new byte[1024 * 1024])
            .build());
    TransactionTooLargeException e =
        catchThrowableOfType(TransactionTooLargeException.class, batch::commit);
    assertThat(e).isNotNull();
    assertThat(e.getMessage())
        .startsWith("the transaction would write 102")
        .endsWith("KiB one ZooKeeper request carries; nothing was written: split it");
    assertThat(StoreFixture.dump(client, ROOT)).isEqualTo(tree);
    assertThat(store.create(Fixtures.router()).topology().routers())
        .as("the store is still usable")
        .hasSize(1);
  }

  private static StoreTransaction create(org.nsvpn.chainrules.id.Identified object) {
    return StoreTransaction.builder().create(object).build();
  }
}
