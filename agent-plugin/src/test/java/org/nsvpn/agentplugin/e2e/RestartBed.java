package org.nsvpn.agentplugin.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.namespacemanager.testing.KernelResources;
import org.nsvpn.strongswan.Backend;
import org.nsvpn.strongswan.StockCharon;

/**
 * The demo's topology ({@link VpnTestbed}) with both tunnels up, served by an agent process with
 * {@code datapath.mode = process} ({@link AgentBed}) and an nsvpn-datapath process beside it: the
 * bed of {@link DatapathRestartIT} and of the restart benchmark. {@link #close()} stops the
 * capture, the datapath and site C, then the {@link AgentBed} (which keeps every log and capture).
 */
final class RestartBed implements AutoCloseable {
  static final Duration TUNNEL = Duration.ofSeconds(60);

  final Path state;
  final VpnTestbed bed;
  final AgentProcess agent;

  /** tcpdump on the internet segment, from before the first tunnel. */
  final Capture capture;

  DatapathProcessHandle datapath;
  private final AgentBed run;
  private int datapaths = 1;
  private StockCharon siteC;

  private RestartBed(AgentBed run) {
    this.run = run;
    this.state = run.state;
    this.bed = run.bed;
    this.agent = run.agent;
    this.capture = Capture.start(bed.internet, "br0", state.resolve("internet.pcap"));
  }

  /** Starts the agent and the datapath, builds both VPN sites and site C, waits for both pings. */
  static RestartBed start(KernelResources kernel, String name) throws IOException {
    AgentBed run =
        AgentBed.start(
            kernel,
            name,
            "  datapath.mode = process\n  datapath.metrics-port = " + freePort() + "\n");
    RestartBed r;
    try {
      r = new RestartBed(run);
    } catch (RuntimeException | Error e) {
      run.close();
      throw e;
    }
    try {
      r.datapath = DatapathProcessHandle.start(r.state, "datapath-1");
      r.siteC = StockCharon.start(r.bed.siteC, Backend.KERNEL_LIBIPSEC);
      r.siteC.loadAll(r.bed.siteCConfig());
      r.agent.store().commit(r.bed.topology(r.agent.hostId().orElseThrow(), true));
      awaitPing(r.bed.vmA, "10.2.0.10");
      awaitPing(r.bed.vmA, "10.3.0.1");
      // The measurements count lost pings: they start once the duplicate SAs of A and B (both
      // initiate) are gone.
      for (var connection : List.of(r.bed.aToB, r.bed.bToA)) {
        r.agent.awaitOneSaPair(connection, TUNNEL);
      }
    } catch (RuntimeException | AssertionError e) {
      r.close();
      throw e;
    }
    return r;
  }

  /**
   * A fixed port for nsvpn-datapath's metrics, not 0: a successor binds the same port, as in
   * production, once its predecessor released it.
   */
  private static int freePort() throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static void awaitPing(String from, String to) {
    await(from + " reaches " + to)
        .atMost(TUNNEL)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> VpnTestbed.ping(from, to).ok());
  }

  /** The inbound SPIs of {@code connection}'s child SAs, as the agent last reported them. */
  List<Long> childSpis(IpsecSiteConnectionId connection) {
    return agent
        .store()
        .status()
        .connectionStatus(connection)
        .map(r -> r.status())
        .map(ConnectionStatus::ikeSas)
        .orElse(List.of())
        .stream()
        .flatMap(ike -> ike.childSas().stream())
        .map(c -> c.spiIn())
        .toList();
  }

  /** Restarts the agent after SIGKILL and waits until it reaches the datapath again. */
  void killAndRestartAgent() {
    agent.kill();
    agent.start();
    awaitAgentReady();
  }

  void awaitAgentReady() {
    await("the agent reaches the datapath")
        .atMost(TUNNEL)
        .ignoreExceptions()
        .until(() -> E2eOracles.get(state, "/readyz").status() == 200);
  }

  /** Starts a new nsvpn-datapath, which takes over; returns the old one's exit code. */
  int handOver() {
    DatapathProcessHandle old = datapath;
    datapath = DatapathProcessHandle.start(state, "datapath-" + ++datapaths);
    return old.awaitExit(Duration.ofSeconds(30));
  }

  /** SIGKILL of the datapath, then a new one (as its supervisor would). */
  void killAndRestartDatapath() {
    datapath.kill();
    datapath = DatapathProcessHandle.start(state, "datapath-" + ++datapaths);
  }

  @Override
  public void close() {
    try {
      capture.close();
      if (datapath != null) {
        datapath.close();
      }
      if (siteC != null) {
        siteC.stop();
      }
    } finally {
      run.close();
    }
  }
}
