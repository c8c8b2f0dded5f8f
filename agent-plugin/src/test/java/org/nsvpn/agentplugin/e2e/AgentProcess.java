package org.nsvpn.agentplugin.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.nsvpn.agentplugin.AgentMain;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.status.ConnectionState;
import org.nsvpn.topology.SecretsCredential;
import org.nsvpn.topology.TopologyStore;
import org.nsvpn.topology.ZooKeeperClients;

/**
 * nsvpn-agent as a real process (this test JVM's class path, {@link AgentMain}), with its embedded
 * ZooKeeper and ovsdb-server in a private state directory, so that tests can kill it with SIGKILL
 * as an operator's accident would. Tests reach the topology through their own ZooKeeper client, as
 * the CLI does.
 */
final class AgentProcess implements AutoCloseable {
  private final Path state;
  private final int zookeeperPort;
  private Process process;
  private CuratorFramework curator;
  private TopologyStore store;

  AgentProcess(Path state) {
    this(state, "");
  }

  /** An agent whose configuration adds {@code agentSettings} (HOCON) under nsvpn.agent. */
  AgentProcess(Path state, String agentSettings) {
    this.state = state;
    try (ServerSocket socket = new ServerSocket(0)) {
      this.zookeeperPort = socket.getLocalPort();
      Files.writeString(
          state.resolve("agent.conf"),
          "nsvpn.agent {\n"
              + "  state-directory = \""
              + state
              + "\"\n"
              + "  run-directory = \""
              + state.resolve("run")
              + "\"\n"
              + "  host-name = \"e2e\"\n"
              + "  zookeeper.embedded.port = "
              + zookeeperPort
              + "\n"
              + "  metrics.port = 0\n"
              + agentSettings
              + "\n}\n"
              + "nsvpn.plugins.ipsec { reconcile-interval = 2s, status-interval = 1s, max-backoff = 4s }\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The command that runs {@code main} (nsvpn-agent's or nsvpn-datapath's) on this test JVM's class
   * path with the agent.conf in {@code state}, and the product's logging (not the test class path's
   * quieter logback-test.xml).
   */
  static List<String> command(Class<?> main, Path state) {
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dlogback.configurationFile=" + AgentProcess.class.getResource("/logback.xml"),
        "-cp",
        System.getProperty("java.class.path"),
        main.getName(),
        "--config",
        state.resolve("agent.conf").toString());
  }

  /** Starts the agent and waits until it reports itself alive in ZooKeeper. */
  AgentProcess start() {
    List<String> command = command(AgentMain.class, state);
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(state.resolve("agent.log").toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      awaitAlive();
    } catch (RuntimeException | AssertionError e) {
      close();
      throw e;
    }
    return this;
  }

  private void awaitAlive() {
    await("agent alive")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new AssertionError("agent exited: " + log());
              }
              // The credential file appears just after the host id file: wait for both. Alive
              // means this process's record: after a SIGKILL, the killed agent's record stays
              // until its session expires, and this one may still be starting.
              return hostId().isPresent()
                  && Files.exists(state.resolve("secrets.auth"))
                  && Optional.ofNullable(store().status().liveHosts().get(hostId().get()))
                      .filter(live -> live.pid() == process.pid())
                      .isPresent();
            });
  }

  /** The host id the agent keeps in its state directory. */
  Optional<HostId> hostId() {
    try {
      Path file = state.resolve("host-id");
      return Files.exists(file)
          ? Optional.of(HostId.parse(Files.readString(file).trim()))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** This test's client of the agent's store (reconnects by itself across agent restarts). */
  synchronized TopologyStore store() {
    if (store == null) {
      curator =
          ZooKeeperClients.connect(
              "127.0.0.1:" + zookeeperPort,
              Optional.of(SecretsCredential.load(state.resolve("secrets.auth"))),
              Duration.ofSeconds(30));
      store =
          TopologyStore.open(
              curator,
              TopologyStore.DEFAULT_ROOT,
              Optional.of(SecretsCredential.load(state.resolve("secrets.auth"))));
    }
    return store;
  }

  /** The Curator client behind {@link #store()}. */
  synchronized org.apache.curator.framework.CuratorFramework curator() {
    store();
    return curator;
  }

  /**
   * Waits until the agent reports {@code connection} up with one IKE SA and one child SA: when both
   * ends initiated at once, charon closes the duplicates a moment after the tunnel first carries
   * traffic, and frames in flight on them are lost; a measurement starts after that.
   */
  void awaitOneSaPair(IpsecSiteConnectionId connection, Duration atMost) {
    await(connection + " settles on one IKE SA and one child SA")
        .atMost(atMost)
        .until(
            () ->
                store()
                    .status()
                    .connectionStatus(connection)
                    .map(r -> r.status())
                    .map(
                        s ->
                            s.state() == ConnectionState.UP
                                && s.ikeSas().size() == 1
                                && s.ikeSas().get(0).childSas().size() == 1)
                    .orElse(false));
  }

  int zookeeperPort() {
    return zookeeperPort;
  }

  Path state() {
    return state;
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL: nothing of the agent runs its shutdown; charons and ovsdb-server stay. */
  void kill() {
    process.destroyForcibly();
    waitFor();
  }

  /** SIGTERM and wait for the clean shutdown; the exit code (-1 when it was not running). */
  int stop() {
    if (process != null && process.isAlive()) {
      process.destroy();
      waitFor();
      return process.exitValue();
    }
    return -1;
  }

  private void waitFor() {
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("agent did not stop in 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  String log() {
    try {
      return Files.readString(state.resolve("agent.log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  /**
   * Stops the agent and this client. The embedded ovsdb-server is stopped by the agent; if the
   * agent could not (it crashed, or was killed last), the one its pid file in this test's state
   * directory names is stopped here.
   */
  @Override
  public synchronized void close() {
    if (store != null) {
      store.close();
      curator.close();
      store = null;
    }
    try {
      stop();
    } finally {
      if (process != null && process.isAlive()) {
        process.destroyForcibly();
      }
      OrphanedOvsdbServer.stop(state);
    }
  }
}
