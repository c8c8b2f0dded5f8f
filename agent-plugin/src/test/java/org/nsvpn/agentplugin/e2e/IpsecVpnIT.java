package org.nsvpn.agentplugin.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nsvpn.agentplugin.Agent;
import org.nsvpn.agentplugin.AgentConfig;
import org.nsvpn.agentplugin.ipsec.IpsecPlugin;
import org.nsvpn.chainrules.status.ConnectionState;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.namespacemanager.testing.Ip;
import org.nsvpn.namespacemanager.testing.KernelResources;
import org.nsvpn.strongswan.CharonFixture;

/** The agent with its IPsec plugin, end to end through real namespaces, charons and frames. */
class IpsecVpnIT {
  @RegisterExtension final KernelResources kernel = new KernelResources();

  private Path state;
  private Agent agent;
  private VpnTestbed bed;

  @BeforeEach
  void start() throws IOException {
    CharonFixture.requireCharon();
    state = Files.createTempDirectory("nsvpn-e2e-");
    CharonFixture.trackRoot(state.resolve("run/charon"));
    bed = VpnTestbed.create(kernel);
    agent = Agent.start(config(), List.of(new IpsecPlugin()));
  }

  @AfterEach
  void stop() throws IOException {
    if (agent != null) {
      agent.close();
    }
    CharonFixture.cleanUp();
    try (Stream<Path> files = Files.walk(state)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private AgentConfig config() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    return AgentConfig.from(
        ConfigFactory.load(
            ConfigFactory.parseString(
                "nsvpn.agent { state-directory = \""
                    + state
                    + "\"\n"
                    + "run-directory = \""
                    + state.resolve("run")
                    + "\"\n"
                    + "host-name = \"e2e\"\n"
                    + "zookeeper.embedded.port = "
                    + port
                    // Any free port: 9478 may be taken by an agent running on this machine.
                    + "\nmetrics.port = 0 }")));
  }

  @Test
  void vmAPingsVmBThroughTheTunnel() {
    agent.topology().commit(bed.topology(agent.host(), false));

    await("VM A reaches VM B through the A-B tunnel")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> VpnTestbed.ping(bed.vmA, "10.2.0.10").ok());
    Ip.Result ping = VpnTestbed.ping(bed.vmA, "10.2.0.10");
    // Four forwarding hops on the way back: router B, namespace B (encrypts), namespace A
    // (decrypts), router A. Plain routing between the two routers would give ttl=62.
    assertThat(ping.stdout()).contains("3 received").contains("ttl=60");

    await("status up in ZooKeeper")
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                agent
                        .topology()
                        .status()
                        .connectionStatus(bed.aToB)
                        .map(r -> r.status().state())
                        .orElse(null)
                    == ConnectionState.UP);
    // Both ends initiate at once: each may hold two IKE SAs for a moment, then both drop the same.
    await("one IKE SA with one child SA on both ends")
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              for (var c : List.of(bed.aToB, bed.bToA)) {
                ConnectionStatus s =
                    agent.topology().status().connectionStatus(c).orElseThrow().status();
                assertThat(
                        s.state() == ConnectionState.UP
                            && s.ikeSas().size() == 1
                            && s.ikeSas().get(0).childSas().size() == 1)
                    .as("%s", s)
                    .isTrue();
              }
            });
    ConnectionStatus status =
        agent.topology().status().connectionStatus(bed.aToB).orElseThrow().status();
    assertThat(status.ikeSas())
        .allSatisfy(ike -> assertThat(ike.remoteAddress().toString()).isEqualTo("203.0.113.20"));
  }
}
