package org.nsvpn.topology.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.topology.StoreException;
import org.nsvpn.topology.TopologyStore;
import org.nsvpn.topology.ZooKeeperClients;

class EmbeddedZooKeeperIT {
  private Path dir;

  @BeforeEach
  void makeDir() throws IOException {
    dir = Files.createTempDirectory("nsvpn-zk-it-");
  }

  @AfterEach
  void removeDir() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void dataPersistsAcrossACleanRestartOnTheSamePort() throws Exception {
    int port = freePort();
    RouterId id = RouterId.random();
    try (EmbeddedZooKeeper server =
        EmbeddedZooKeeper.start(dir, "127.0.0.1", port, Duration.ofSeconds(30))) {
      assertThat(server.connectString()).isEqualTo("127.0.0.1:" + port);
      assertThatThrownBy(() -> EmbeddedZooKeeper.start(dir, "127.0.0.1", 0, Duration.ofSeconds(30)))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("is in use by another server");
      try (CuratorFramework client =
              ZooKeeperClients.connect(
                  server.connectString(), Optional.empty(), Duration.ofSeconds(10));
          TopologyStore store = TopologyStore.open(client, "/nsvpn", Optional.empty())) {
        store.create(Router.of(id, "persisted"));
      }
    }
    try (EmbeddedZooKeeper again =
            EmbeddedZooKeeper.start(dir, "127.0.0.1", port, Duration.ofSeconds(30));
        CuratorFramework client =
            ZooKeeperClients.connect(
                again.connectString(), Optional.empty(), Duration.ofSeconds(10));
        TopologyStore store = TopologyStore.open(client, "/nsvpn", Optional.empty())) {
      assertThat(store.snapshot().topology().router(id)).isPresent();
      assertThat(store.snapshot().label(id)).isEqualTo("router0");
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no generated configuration files are left behind")
          .containsExactlyInAnyOrder("data", "nsvpn-zookeeper.lock");
    }
  }

  @Test
  void unreachableServerGivesAClearError() throws Exception {
    int port = freePort();
    assertThatThrownBy(
            () ->
                ZooKeeperClients.connect(
                    "127.0.0.1:" + port, Optional.empty(), Duration.ofSeconds(2)))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("cannot reach ZooKeeper at 127.0.0.1:" + port + " within 2 s");
  }
}
