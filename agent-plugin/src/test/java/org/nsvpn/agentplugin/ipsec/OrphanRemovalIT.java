package org.nsvpn.agentplugin.ipsec;

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
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.vpn.VpnNames;
import org.nsvpn.namespacemanager.testing.Ip;
import org.nsvpn.namespacemanager.testing.KernelResources;
import org.nsvpn.strongswan.CharonFixture;

/**
 * Orphan removal at agent start: a VPN namespace this agent's run directory marks as its own, for a
 * service that no longer exists, is removed; a VPN-looking namespace it did not create (another
 * agent's, a test's) is left alone.
 */
class OrphanRemovalIT {
  @RegisterExtension final KernelResources kernel = new KernelResources();

  private Path state;
  private Agent agent;

  @BeforeEach
  void createStateDirectory() throws IOException {
    CharonFixture.requireCharon();
    state = Files.createTempDirectory("nsvpn-orphans-it-");
    CharonFixture.trackRoot(state.resolve("run/charon"));
  }

  @AfterEach
  void stopAndClean() throws IOException {
    if (agent != null) {
      agent.close();
    }
    CharonFixture.cleanUp();
    try (Stream<Path> files = Files.walk(state)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void removesOnlyTheNamespacesItCreated() throws Exception {
    VpnServiceId ownedService = VpnServiceId.random();
    String owned = kernel.namespace(VpnNames.namespace(ownedService));
    String foreign = kernel.namespace(VpnNames.namespace(VpnServiceId.random()));
    Ip.ip("netns", "add", owned);
    Ip.ip("netns", "add", foreign);
    Path marks = Files.createDirectories(state.resolve("run/namespaces"));
    Files.createFile(marks.resolve(ownedService.toString()));

    agent = Agent.start(config(), List.of(new IpsecPlugin()));

    await("the owned orphan removed")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                !Ip.namespaces().contains(owned)
                    && !Files.exists(marks.resolve(ownedService.toString())));
    agent.close();
    agent = null;
    assertThat(Ip.namespaces()).as("a namespace this agent did not create").contains(foreign);
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
                    + "\"\nrun-directory = \""
                    + state.resolve("run")
                    + "\"\nhost-name = \"orphans-it\"\nzookeeper.embedded.port = "
                    + port
                    + "\ndatapath.enabled = false\nmetrics.port = 0 }")));
  }
}
