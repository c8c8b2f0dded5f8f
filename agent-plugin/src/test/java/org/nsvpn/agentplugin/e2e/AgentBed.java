package org.nsvpn.agentplugin.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.nsvpn.namespacemanager.testing.KernelResources;
import org.nsvpn.strongswan.CharonFixture;

/**
 * The agent as a process on the demo's testbed, for one test: a private state directory, the kernel
 * side ({@link VpnTestbed}) and the agent started on it. {@link #close} stops the agent, keeps its
 * log and captures under {@code target/e2e-logs} (named after the test) for whoever reads a
 * failure, stops every charon and removes the state directory, whatever happened.
 */
final class AgentBed implements AutoCloseable {
  final Path state;
  final VpnTestbed bed;
  final AgentProcess agent;
  private final String testName;

  private AgentBed(Path state, VpnTestbed bed, AgentProcess agent, String testName) {
    this.state = state;
    this.bed = bed;
    this.agent = agent;
    this.testName = testName;
  }

  /** Builds the testbed and starts the agent; fails with install hints when charon is missing. */
  static AgentBed start(KernelResources kernel, String testName) throws IOException {
    return start(kernel, testName, "");
  }

  /** As {@link #start(KernelResources, String)}, the agent's settings adding {@code settings}. */
  static AgentBed start(KernelResources kernel, String testName, String settings)
      throws IOException {
    CharonFixture.requireCharon();
    Path state = Files.createTempDirectory("nsvpn-e2e-");
    CharonFixture.trackRoot(state.resolve("run/charon"));
    VpnTestbed bed = VpnTestbed.create(kernel);
    // Assigned before it starts, so that a failed start is still cleaned up after.
    AgentProcess agent = new AgentProcess(state, settings);
    AgentBed run = new AgentBed(state, bed, agent, testName);
    try {
      agent.start();
    } catch (RuntimeException | Error e) {
      run.close();
      throw e;
    }
    return run;
  }

  @Override
  public void close() {
    try {
      agent.close();
      Path logs = Files.createDirectories(Path.of("target", "e2e-logs"));
      try (Stream<Path> files = Files.list(state)) {
        for (Path f :
            files
                .filter(p -> p.toString().endsWith(".log") || p.toString().endsWith(".pcap"))
                .toList()) {
          Files.copy(
              f,
              logs.resolve(testName + "-" + f.getFileName()),
              StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      CharonFixture.cleanUp();
      try (Stream<Path> files = Files.walk(state)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
