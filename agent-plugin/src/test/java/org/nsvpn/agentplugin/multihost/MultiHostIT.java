package org.nsvpn.agentplugin.multihost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.nsvpn.namespacemanager.testing.Ip.ping;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.nsvpn.agentplugin.multihost.MultiHostTestbed.SimHost;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.model.HostBinding;
import org.nsvpn.chainrules.model.Port;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.namespacemanager.testing.Ip;
import org.nsvpn.topology.ObjectKind;
import org.nsvpn.topology.StoreTransaction;
import org.nsvpn.topology.TunnelKey;
import org.nsvpn.topology.Versioned;

/**
 * Three agents, each in its own host namespace, run one virtual network over the VXLAN overlay,
 * with the topology in a real three-server ZooKeeper ensemble (MultiHostTestbed). One testbed for
 * every method, in order: the later methods start from what the earlier ones left.
 *
 * <p>A virtual router joins VM A (10.1.0.10, bound on host 1) and VM B (10.2.0.10, bound on host
 * 2); private ranges, inside namespaces this test creates.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiHostIT {
  private static final String VM_B_MAC = "02:00:5e:10:0b:0a";
  private static MultiHostTestbed bed;
  private static final RouterId ROUTER = RouterId.random();
  private static final PortId PORT_A = PortId.random();
  private static final PortId PORT_B = PortId.random();
  private static String vmA;
  private static String vmB;

  @BeforeAll
  static void start() {
    bed = MultiHostTestbed.start(3);
    vmA = bed.vm("a", bed.host(1), "v-a", "10.1.0.10/24", "10.1.0.1");
    vmB = bed.vm("b", bed.host(2), "v-b", "10.2.0.10/24", "10.2.0.1");
    Ip.ip("-n", vmB, "link", "set", "eth0", "address", VM_B_MAC);
    bed.store()
        .commit(
            StoreTransaction.builder()
                .create(Router.of(ROUTER, "router0"))
                .create(
                    RouterPort.of(
                            PORT_A,
                            ROUTER,
                            MacAddress.parse("02:00:5e:00:0a:01"),
                            InterfaceAddress.parse("10.1.0.1/24"))
                        .withBinding(Optional.of(new HostBinding(bed.host(1).hostId(), "v-a"))))
                .create(
                    RouterPort.of(
                            PORT_B,
                            ROUTER,
                            MacAddress.parse("02:00:5e:00:0b:01"),
                            InterfaceAddress.parse("10.2.0.1/24"))
                        .withBinding(Optional.of(new HostBinding(bed.host(2).hostId(), "v-b"))))
                .build());
  }

  @AfterAll
  static void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  private static void assertPings(String from, String to, String... options) {
    await("ping " + to)
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              Ip.Result r = ping(from, to, options);
              assertThat(r.ok()).as(r.stdout() + r.stderr()).isTrue();
            });
  }

  private static TunnelKey key(PortId port) {
    return bed.store().refresh().tunnelKey(port).orElseThrow();
  }

  private static long rxFrames(JsonNode stats, PortId port) {
    return stats.path("ports").path(port.toString()).path("rx-frames").asLong();
  }

  private static long txFrames(JsonNode stats, PortId port) {
    return stats.path("ports").path(port.toString()).path("tx-frames").asLong();
  }

  /**
   * The host's counters as written after this call: the agent rewrites them every second, so a
   * write that starts later includes everything that happened before.
   */
  private static JsonNode freshStats(SimHost host) throws IOException {
    FileTime asked = FileTime.from(Instant.now());
    await("counters written after " + asked)
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> Files.getLastModifiedTime(host.statsFile()).compareTo(asked) > 0);
    return host.stats();
  }

  /** Sum of rx-frames over every port a host's datapath reads. */
  private static long received(JsonNode stats) {
    long sum = 0;
    for (JsonNode port : stats.path("ports")) {
      sum += port.path("rx-frames").asLong();
    }
    return sum;
  }

  @Test
  @Order(1)
  void aVmOnOneHostReachesAVmOnAnotherThroughTheOverlaySimulatedOnceOnTheIngressHost()
      throws Exception {
    assertPings(vmA, "10.2.0.10");
    Path pcap = bed.directory.resolve("underlay.txt");
    Path errors = bed.directory.resolve("underlay.err");
    Process tcpdump =
        new ProcessBuilder(
                "tcpdump", "-i", bed.bridge, "-nn", "-l", "--immediate-mode", "udp", "port", "4789")
            .redirectOutput(pcap.toFile())
            .redirectError(errors.toFile())
            .start();
    try {
      await("tcpdump listening")
          .atMost(Duration.ofSeconds(10))
          .until(() -> Files.readString(errors).contains("listening on"));
      Ip.Result ping = ping(vmA, "10.2.0.10", "-c", "5");
      assertThat(ping.ok()).as(ping.stdout() + ping.stderr()).isTrue();
    } finally {
      tcpdump.destroy();
      tcpdump.waitFor(10, TimeUnit.SECONDS);
    }
    String capture = Files.readString(pcap);
    // tcpdump decodes UDP 4789 as VXLAN: requests carry port B's key, replies port A's.
    assertThat(capture)
        .contains(bed.host(1).address + ".")
        .contains("VXLAN")
        .contains("vni " + key(PORT_B).value())
        .contains("vni " + key(PORT_A).value());

    // Every frame was simulated where it entered: what each host simulated is exactly what its
    // own interfaces received; the overlay delivered the rest without a second simulation.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              JsonNode one = bed.host(1).stats();
              JsonNode two = bed.host(2).stats();
              assertThat(one.path("simulated").asLong()).isEqualTo(received(one)).isPositive();
              assertThat(two.path("simulated").asLong()).isEqualTo(received(two)).isPositive();
              assertThat(one.path("overlay").path("tx-frames").asLong()).isGreaterThanOrEqualTo(5);
              assertThat(two.path("overlay").path("rx-frames").asLong())
                  .isGreaterThanOrEqualTo(5)
                  .isEqualTo(txFrames(two, PORT_B));
              assertThat(one.path("overlay").path("drops").size()).isZero();
              assertThat(two.path("overlay").path("drops").size()).isZero();
            });
  }

  @Test
  @Order(2)
  void aFullSizeFrameWithDontFragmentCrossesTheUnderlayOfMtu1550() {
    // 1472 bytes of ICMP payload: a 1500-byte inner packet; with VXLAN's 50 bytes, exactly 1550.
    Ip.Result ping = ping(vmA, "10.2.0.10", "-M", "do", "-s", "1472");
    assertThat(ping.ok()).as(ping.stdout() + ping.stderr()).isTrue();
    assertThat(ping.stdout()).contains("3 received");
  }

  @Test
  @Order(3)
  void badInputOnTheUnderlayIsDroppedAndCounted() throws Exception {
    SimHost two = bed.host(2);
    long emitted = txFrames(freshStats(two), PORT_B);
    // From the bridge's address, which is no host's: an unknown sender.
    try (DatagramChannel channel = DatagramChannel.open()) {
      channel.bind(new InetSocketAddress(InetAddress.getByName(bed.bridgeAddress.toString()), 0));
      ByteBuffer packet = ByteBuffer.allocate(50);
      packet.putInt(0x08000000).putInt(key(PORT_B).value() << 8).position(50).flip();
      channel.send(
          packet, new InetSocketAddress(InetAddress.getByName(two.address.toString()), 4789));
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> two.stats().path("overlay").path("drops").path("UNKNOWN_SENDER").asLong() == 1);
    assertThat(txFrames(two.stats(), PORT_B)).isEqualTo(emitted);
  }

  @Test
  @Order(4)
  void aVmMovedToAnotherHostIsReachedThereAndTheOldHostEmitsNothing() throws IOException {
    SimHost two = bed.host(2);
    SimHost three = bed.host(3);
    bed.unplug(two, "v-b");
    bed.plug(vmB, three, "v-b3", VM_B_MAC);
    Ip.ip("-n", vmB, "addr", "add", "10.2.0.10/24", "dev", "eth0");
    Ip.ip("-n", vmB, "route", "add", "default", "via", "10.2.0.1");
    Versioned<Port> port = bed.store().refresh().get(ObjectKind.PORT, PORT_B).orElseThrow();
    long emittedOnOldHost = txFrames(freshStats(two), PORT_B);
    long moved = System.nanoTime();
    bed.store()
        .commit(
            StoreTransaction.builder()
                .update(
                    ((RouterPort) port.value())
                        .withBinding(Optional.of(new HostBinding(three.hostId(), "v-b3"))),
                    port.version())
                .build());
    await("traffic to the moved VM")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> ping(vmA, "10.2.0.10", "-c", "1", "-W", "1").ok());
    long followedMillis = (System.nanoTime() - moved) / 1_000_000;
    System.out.println("binding move: traffic followed after " + followedMillis + " ms");
    assertPings(vmA, "10.2.0.10");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(txFrames(three.stats(), PORT_B)).isGreaterThanOrEqualTo(3));
    assertThat(txFrames(two.stats(), PORT_B)).isEqualTo(emittedOnOldHost);
  }

  @Test
  @Order(5)
  void forwardingSurvivesTheLossOfOneZooKeeperServerAndOfTheQuorumAndResyncs() throws Exception {
    ZooKeeperEnsemble zk = bed.zookeeper();
    CompletableFuture<Ip.Result> during =
        CompletableFuture.supplyAsync(
            () -> ping(vmA, "10.2.0.10", "-c", "40", "-i", "0.1", "-W", "1"));
    zk.kill(1);
    Ip.Result oneDown = during.get(30, TimeUnit.SECONDS);
    assertThat(oneDown.stdout()).as(oneDown.stdout()).contains("40 received");

    zk.kill(2);
    await("server 3 without a quorum")
        .atMost(Duration.ofSeconds(10))
        .until(() -> !zk.mode(3).matches("leader|follower"));
    // Longer than the agents' 4 s session timeout: their sessions are given up client-side.
    Ip.Result noQuorum = ping(vmA, "10.2.0.10", "-c", "60", "-i", "0.1", "-W", "1");
    assertThat(noQuorum.stdout()).as(noQuorum.stdout()).contains("60 received");
    for (int i = 1; i <= 3; i++) {
      assertThat(bed.host(i).agentAlive()).as("agent of host " + i).isTrue();
    }

    zk.restart(1);
    zk.restart(2);
    zk.awaitServingAgain(1);
    zk.awaitServingAgain(2);
    // A change made now takes effect: VM B moves back to host 2.
    SimHost two = bed.host(2);
    SimHost three = bed.host(3);
    bed.unplug(three, "v-b3");
    bed.plug(vmB, two, "v-b", VM_B_MAC);
    Ip.ip("-n", vmB, "addr", "add", "10.2.0.10/24", "dev", "eth0");
    Ip.ip("-n", vmB, "route", "add", "default", "via", "10.2.0.1");
    await("a topology change after quorum returned")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              Versioned<Port> port =
                  bed.store().refresh().get(ObjectKind.PORT, PORT_B).orElseThrow();
              if (port.value().binding().map(b -> b.host().equals(three.hostId())).orElse(true)) {
                bed.store()
                    .commit(
                        StoreTransaction.builder()
                            .update(
                                ((RouterPort) port.value())
                                    .withBinding(Optional.of(new HostBinding(two.hostId(), "v-b"))),
                                port.version())
                            .build());
              }
              assertThat(ping(vmA, "10.2.0.10", "-c", "1", "-W", "1").ok()).isTrue();
            });
    await("every agent alive again in ZooKeeper")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              for (int i = 1; i <= 3; i++) {
                assertThat(bed.store().status().isAlive(bed.host(i).hostId())).isTrue();
              }
            });
  }
}
