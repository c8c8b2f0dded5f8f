package org.nsvpn.agentplugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nsvpn.agentplugin.spi.AgentPlugin;
import org.nsvpn.agentplugin.spi.PluginContext;
import org.nsvpn.chainrules.id.BridgeId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.model.Bridge;
import org.nsvpn.chainrules.model.BridgePort;
import org.nsvpn.chainrules.model.Topology;

/**
 * The agent process's wiring with its embedded defaults: a real ZooKeeper server and a real
 * ovsdb-server in a temporary state directory, started, used and stopped.
 */
class AgentIT {
  private Path state;
  private Agent agent;

  @BeforeEach
  void createStateDirectory() throws IOException {
    state = Files.createTempDirectory("nsvpn-agent-it-");
  }

  @AfterEach
  void stopAndClean() throws IOException {
    if (agent != null) {
      agent.close();
    }
    try (Stream<Path> files = Files.walk(state)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private AgentConfig config(int zkPort, boolean datapath) {
    return AgentConfig.from(
        ConfigFactory.load(
            ConfigFactory.parseString(
                "nsvpn.agent { state-directory = \""
                    + state
                    + "\"\n"
                    + "run-directory = \""
                    + state.resolve("run")
                    + "\"\n"
                    + "host-name = \"agent-it\"\n"
                    + "zookeeper.embedded.port = "
                    + zkPort
                    + "\n"
                    + "datapath.enabled = "
                    + datapath
                    + "\nmetrics.port = 0 }")));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void startsWithEmbeddedServicesRegistersTheHostAndStopsEverything() throws Exception {
    RecordingPlugin plugin = new RecordingPlugin();
    int port = freePort();
    agent = Agent.start(config(port, false), List.of(plugin));

    assertThat(agent.topology().refresh().topology().host(agent.host()))
        .hasValueSatisfying(h -> assertThat(h.name()).isEqualTo("agent-it"));
    assertThat(agent.topology().status().isAlive(agent.host())).isTrue();
    assertThat(Files.readString(state.resolve("host-id")).trim())
        .isEqualTo(agent.host().toString());
    assertThat(plugin.context).isNotNull();
    assertThat(plugin.context.host()).isEqualTo(agent.host());
    await().atMost(Duration.ofSeconds(10)).until(() -> !plugin.topologies.isEmpty());
    long ovsdbPid =
        Long.parseLong(Files.readString(state.resolve("ovsdb/ovsdb-server.pid")).trim());
    assertThat(Files.readSymbolicLink(Path.of("/proc/" + ovsdbPid + "/exe")).toString())
        .endsWith("ovsdb-server");

    // A topology change reaches the plugins as a new snapshot.
    BridgeId bridge = BridgeId.random();
    agent.topology().create(Bridge.of(bridge, "bridge0"));
    await().atMost(Duration.ofSeconds(10)).until(() -> plugin.last().bridge(bridge).isPresent());

    agent.close();
    assertThat(plugin.closed).isTrue();
    assertThat(Files.exists(Path.of("/proc/" + ovsdbPid + "/exe")))
        .as("embedded ovsdb-server stopped")
        .isFalse();
    try (ServerSocket reuse = new ServerSocket(port)) {
      assertThat(reuse.getLocalPort()).as("ZooKeeper released its port").isEqualTo(port);
    }
  }

  @Test
  void aRestartedAgentKeepsItsIdentityAndData() throws Exception {
    int port = freePort();
    agent = Agent.start(config(port, false), List.of());
    var first = agent.host();
    BridgeId bridge = BridgeId.random();
    agent.topology().create(Bridge.of(bridge, "bridge0"));
    agent.close();

    agent = Agent.start(config(port, false), List.of());
    assertThat(agent.host()).isEqualTo(first);
    Topology topology = agent.topology().refresh().topology();
    assertThat(topology.bridge(bridge)).isPresent();
    assertThat(topology.hosts()).hasSize(1);
  }

  @Test
  void theDatapathFollowsBindingsWrittenThroughThePortBinder() throws Exception {
    RecordingPlugin plugin = new RecordingPlugin();
    agent = Agent.start(config(freePort(), true), List.of(plugin));
    BridgeId bridge = BridgeId.random();
    PortId port = PortId.random();
    agent.topology().create(Bridge.of(bridge, "bridge0"));
    agent.topology().create(BridgePort.of(port, bridge));

    plugin.context.ports().bind(port, "lo");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> agent.datapath().orElseThrow().boundPorts().containsKey(port));
    assertThat(agent.topology().refresh().topology().port(port).orElseThrow().binding())
        .hasValueSatisfying(b -> assertThat(b.host()).isEqualTo(agent.host()));

    plugin.context.ports().unbind(port);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> agent.datapath().orElseThrow().boundPorts().isEmpty());
    assertThatThrownBy(() -> plugin.context.ports().bind(port, "bad name!"))
        .hasMessageStartingWith("interface:");
  }

  @Test
  void aFailedStartReleasesWhatItAcquired() throws Exception {
    int port = freePort();
    AgentPlugin failing =
        new RecordingPlugin() {
          @Override
          public void start(PluginContext context) {
            throw new IllegalStateException("plugin refuses");
          }
        };
    assertThatThrownBy(() -> Agent.start(config(port, false), List.of(failing)))
        .isInstanceOf(Agent.AgentStartException.class)
        .hasMessageContaining("plugin refuses");
    try (ServerSocket reuse = new ServerSocket(port)) {
      assertThat(reuse.getLocalPort()).isEqualTo(port);
    }
    assertThat(ovsdbServersOf(state)).as("the embedded ovsdb-server was stopped").isEmpty();
  }

  /** Live ovsdb-server processes whose command line names a file under {@code directory}. */
  static List<Long> ovsdbServersOf(Path directory) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().map(c -> c.endsWith("ovsdb-server")).orElse(false))
        .filter(
            p ->
                p.info()
                    .arguments()
                    .map(a -> String.join(" ", a).contains(directory.toString()))
                    .orElse(false))
        .map(ProcessHandle::pid)
        .toList();
  }

  /** Records what the agent gives a plugin. */
  static class RecordingPlugin implements AgentPlugin {
    volatile PluginContext context;
    final List<Topology> topologies = new CopyOnWriteArrayList<>();
    volatile boolean closed;

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public void start(PluginContext context) {
      this.context = context;
      context.onTopology(topologies::add);
    }

    Topology last() {
      List<Topology> copy = new ArrayList<>(topologies);
      return copy.get(copy.size() - 1);
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
