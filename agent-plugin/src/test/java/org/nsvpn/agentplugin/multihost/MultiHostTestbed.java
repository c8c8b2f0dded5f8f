package org.nsvpn.agentplugin.multihost;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.nsvpn.agentplugin.AgentMain;
import org.nsvpn.agentplugin.DatapathMain;
import org.nsvpn.agentplugin.e2e.OrphanedOvsdbServer;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.model.Host;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.namespacemanager.testing.Ip;
import org.nsvpn.namespacemanager.testing.KernelResources;
import org.nsvpn.strongswan.CharonFixture;
import org.nsvpn.topology.SecretsCredential;
import org.nsvpn.topology.TopologyStore;
import org.nsvpn.topology.ZooKeeperClients;

/**
 * Several hosts on one machine (docs/architecture.md, "Multi-host testbed"): each host is a network
 * namespace with a veth on a shared underlay bridge (link-local addresses, MTU 1550) and a
 * long-lived mount namespace of its own, whose {@code /run/netns} is private, held by a holder
 * process; each runs its own agent process inside both, with its own state directory. A
 * three-server ZooKeeper ensemble listens on the bridge's address. VMs are namespaces whose veth
 * peer lives in the namespace of the host that binds them.
 *
 * <p>Everything is named from one random tag and removed by {@link #close()}: agents and holders
 * and ZooKeeper servers by pid, then namespaces, the bridge and the directory.
 */
public final class MultiHostTestbed implements AutoCloseable {
  /** Underlay MTU: a 1500-byte inner packet plus VXLAN's 50 bytes. */
  static final int UNDERLAY_MTU = 1550;

  private static final ObjectMapper JSON = new ObjectMapper();

  final String tag = KernelResources.unique("");
  final int subnet = ThreadLocalRandom.current().nextInt(1, 254);
  public final Path directory;
  final String bridge = "mh" + tag + "u";
  final Ipv4Address bridgeAddress = Ipv4Address.parse("169.254." + subnet + ".254");
  private final List<SimHost> hosts = new ArrayList<>();
  private final List<String> vms = new ArrayList<>();
  private ZooKeeperEnsemble zookeeper;
  private Path credentialFile;
  private CuratorFramework curator;
  private TopologyStore store;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** Cleans up when the test JVM is stopped (SIGTERM, Ctrl-C) before the test could. */
  private final Thread onExit = new Thread(this::close, "multihost-testbed-cleanup");

  private final boolean datapathProcess;

  private MultiHostTestbed(boolean datapathProcess) {
    this.datapathProcess = datapathProcess;
    try {
      directory = Files.createTempDirectory("nsvpn-multihost-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Builds the underlay, the ensemble and {@code hostCount} hosts with running agents. */
  public static MultiHostTestbed start(int hostCount) {
    return start(hostCount, false);
  }

  /**
   * As {@link #start(int)}; with {@code datapathProcess}, every host runs its datapath in an
   * nsvpn-datapath process beside its agent ({@code datapath.mode = process}).
   */
  public static MultiHostTestbed start(int hostCount, boolean datapathProcess) {
    MultiHostTestbed bed = new MultiHostTestbed(datapathProcess);
    Runtime.getRuntime().addShutdownHook(bed.onExit);
    try {
      bed.build(hostCount);
      return bed;
    } catch (RuntimeException | Error e) {
      bed.close();
      throw e;
    }
  }

  private void build(int hostCount) {
    Ip.ip("link", "add", bridge, "type", "bridge");
    Ip.ip("link", "set", bridge, "mtu", Integer.toString(UNDERLAY_MTU), "up");
    Ip.ip("addr", "add", bridgeAddress + "/24", "dev", bridge);
    zookeeper =
        new ZooKeeperEnsemble(
                directory, bridgeAddress, ThreadLocalRandom.current().nextInt(20_000, 40_000))
            .start();
    credentialFile = directory.resolve("secrets.auth");
    SecretsCredential.loadOrCreate(credentialFile);
    for (int i = 1; i <= hostCount; i++) {
      SimHost host = new SimHost(i);
      hosts.add(host);
      host.create();
    }
    for (SimHost host : hosts) {
      // Charons the agents start are stopped by CharonFixture.cleanUp() if a test leaves any.
      CharonFixture.trackRoot(host.state.resolve("run/charon"));
      host.startAgent();
    }
    for (SimHost host : hosts) {
      host.awaitAgent();
    }
  }

  public ZooKeeperEnsemble zookeeper() {
    return zookeeper;
  }

  public SimHost host(int index) {
    return hosts.get(index - 1);
  }

  /** This test's client of the topology (as the CLI would be). */
  public synchronized TopologyStore store() {
    if (store == null) {
      SecretsCredential credential = SecretsCredential.load(credentialFile);
      curator =
          ZooKeeperClients.connect(
              zookeeper.connectString(), Optional.of(credential), Duration.ofSeconds(30));
      store = TopologyStore.open(curator, TopologyStore.DEFAULT_ROOT, Optional.of(credential));
    }
    return store;
  }

  /**
   * A VM: a namespace with {@code eth0} (address {@code cidr}, default route via {@code gateway},
   * no IPv6, transmit offloads off) whose peer {@code interfaceName} lives on {@code host}.
   *
   * @return the VM namespace's name
   */
  String vm(String name, SimHost host, String interfaceName, String cidr, String gateway) {
    String namespace = "mh" + tag + "-" + name;
    Ip.ip("netns", "add", namespace);
    vms.add(namespace);
    Ip.exec("ip", "netns", "exec", namespace, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
    Ip.exec(
        "ip", "netns", "exec", namespace, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1");
    plug(namespace, host, interfaceName);
    Ip.ip("-n", namespace, "link", "set", "lo", "up");
    Ip.ip("-n", namespace, "addr", "add", cidr, "dev", "eth0");
    Ip.ip("-n", namespace, "route", "add", "default", "via", gateway);
    return namespace;
  }

  /**
   * Connects VM {@code namespace} to {@code host} through a new veth ({@code eth0} in the VM,
   * {@code interfaceName} on the host), keeping {@code mac} for eth0 if given: a VM migrating.
   */
  void plug(String namespace, SimHost host, String interfaceName, String... mac) {
    Ip.ip(
        "-n",
        host.namespace,
        "link",
        "add",
        interfaceName,
        "type",
        "veth",
        "peer",
        "name",
        "eth0",
        "netns",
        namespace);
    if (mac.length > 0) {
      Ip.ip("-n", namespace, "link", "set", "eth0", "address", mac[0]);
    }
    Ip.ip("-n", host.namespace, "link", "set", interfaceName, "up");
    Ip.ip("-n", namespace, "link", "set", "eth0", "up");
  }

  /** Removes the VM's link on {@code host} (the VM loses eth0). */
  void unplug(SimHost host, String interfaceName) {
    Ip.ip("-n", host.namespace, "link", "del", interfaceName);
  }

  /** One host: namespace, mount namespace holder, agent. */
  /** This test's ZooKeeper client (the one behind {@link #store()}). */
  public synchronized CuratorFramework curator() {
    store();
    return curator;
  }

  /** The host whose agent is the elected gateway scheduler now, if any. */
  public Optional<HostId> schedulerHost() {
    String election = store().status().schedulerElectionPath();
    try {
      List<String> nodes = new ArrayList<>(curator().getChildren().forPath(election));
      nodes.sort(java.util.Comparator.comparing(n -> n.substring(n.lastIndexOf('-') + 1)));
      for (String node : nodes) {
        try {
          byte[] data = curator().getData().forPath(election + "/" + node);
          return Optional.of(
              HostId.parse(new String(data, java.nio.charset.StandardCharsets.UTF_8)));
        } catch (org.apache.zookeeper.KeeperException.NoNodeException gone) {
          // Its session ended while we listed; the next one leads.
        }
      }
      return Optional.empty();
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the scheduler election", e);
    }
  }

  public final class SimHost {
    public final int index;
    public final String namespace;
    public final Ipv4Address address;
    public final Path state;
    private Process holder;
    private Process agent;
    private Process datapath;

    SimHost(int index) {
      this.index = index;
      this.namespace = "mh" + tag + "-h" + index;
      this.address = Ipv4Address.parse("169.254." + subnet + "." + index);
      this.state = directory.resolve("h" + index);
    }

    String name() {
      return "host" + index;
    }

    private void create() {
      String link = "mh" + tag + "h" + index;
      Ip.ip("netns", "add", namespace);
      Ip.ip("link", "add", link, "type", "veth", "peer", "name", "ul0", "netns", namespace);
      Ip.ip("link", "set", link, "mtu", Integer.toString(UNDERLAY_MTU), "master", bridge, "up");
      Ip.ip("-n", namespace, "link", "set", "ul0", "mtu", Integer.toString(UNDERLAY_MTU), "up");
      Ip.ip("-n", namespace, "link", "set", "lo", "up");
      Ip.ip("-n", namespace, "addr", "add", address + "/24", "dev", "ul0");
      try {
        Files.createDirectories(state);
        Files.writeString(
            state.resolve("agent.conf"),
            "nsvpn.agent {\n"
                + "  state-directory = \""
                + state
                + "\"\n"
                + "  run-directory = \""
                + state.resolve("run")
                + "\"\n"
                + "  host-name = \""
                + name()
                + "\"\n"
                + "  zookeeper.connect = \""
                + zookeeper.connectString()
                + "\"\n"
                + "  zookeeper.secrets-credential-file = \""
                + credentialFile
                + "\"\n"
                + "  overlay.tunnel-address = \""
                + address
                + "\"\n"
                + (datapathProcess ? "  datapath { mode = process, metrics-port = 0 }\n" : "")
                + "}\n"
                + "nsvpn.plugins.ipsec { reconcile-interval = 2s, status-interval = 1s,"
                + " max-backoff = 4s }\n");
        // ip netns exec gives the holder a mount namespace of its own (slave to the machine's);
        // a tmpfs on /run/netns there is this host's alone, and lives as long as the holder.
        holder =
            new ProcessBuilder(
                    "ip",
                    "netns",
                    "exec",
                    namespace,
                    "sh",
                    "-c",
                    "mkdir -p /run/netns && mount -t tmpfs nsvpn-netns /run/netns"
                        + " && exec sleep infinity")
                .redirectErrorStream(true)
                .redirectOutput(
                    ProcessBuilder.Redirect.appendTo(state.resolve("holder.log").toFile()))
                .start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      await("host " + index + " mount namespace")
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                if (!holder.isAlive()) {
                  throw new AssertionError(
                      "holder exited: " + Files.readString(state.resolve("holder.log")));
                }
                return Files.readString(Path.of("/proc", Long.toString(holder.pid()), "mounts"))
                    .contains("nsvpn-netns /run/netns");
              });
    }

    /** Runs {@code command} inside this host (its network and mount namespaces). */
    public Ip.Result exec(String... command) {
      List<String> full = new ArrayList<>(List.of(enter()));
      full.addAll(List.of(command));
      return Ip.exec(full.toArray(String[]::new));
    }

    private String[] enter() {
      return new String[] {
        "nsenter", "--target", Long.toString(holder.pid()), "--mount", "--net", "--"
      };
    }

    void startAgent() {
      agent = startJava(AgentMain.class, "agent.log");
    }

    /** {@code main} with this host's agent.conf, inside this host, logging to {@code log}. */
    private Process startJava(Class<?> main, String log) {
      List<String> command = new ArrayList<>(List.of(enter()));
      command.addAll(
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-Xmx384m",
              "-Dlogback.configurationFile=" + MultiHostTestbed.class.getResource("/logback.xml"),
              "-cp",
              System.getProperty("java.class.path"),
              main.getName(),
              "--config",
              state.resolve("agent.conf").toString()));
      try {
        return new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(state.resolve(log).toFile()))
            .start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * Waits until the agent is alive in ZooKeeper and has published its tunnel address, and its
     * datapath writes its counters (in process mode: nsvpn-datapath, started once the agent made
     * the host id, and left running across agent restarts).
     */
    void awaitAgent() {
      awaitAgentAlive();
      if (datapathProcess && (datapath == null || !datapath.isAlive())) {
        datapath = startJava(DatapathMain.class, "datapath.log");
      }
      await("datapath of host " + index)
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                if (datapathProcess && !datapath.isAlive()) {
                  throw new AssertionError(
                      "nsvpn-datapath of host "
                          + index
                          + " exited: "
                          + Files.readString(state.resolve("datapath.log")));
                }
                return Files.exists(statsFile());
              });
    }

    private void awaitAgentAlive() {
      await("agent of host " + index)
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                if (!agent.isAlive()) {
                  throw new AssertionError("agent of host " + index + " exited: " + log());
                }
                Optional<HostId> id = id();
                // This process's liveness record: a SIGKILLed agent's stays until its session
                // expires, while the new one may still be starting (and would not survive a
                // ZooKeeper outage then).
                return id.isPresent()
                    && Optional.ofNullable(store().status().liveHosts().get(id.get()))
                        .filter(live -> live.pid() == agent.pid())
                        .isPresent()
                    && store()
                        .refresh()
                        .topology()
                        .host(id.get())
                        .flatMap(Host::tunnelAddress)
                        .equals(Optional.of(address));
              });
    }

    Optional<HostId> id() {
      try {
        Path file = state.resolve("host-id");
        return Files.exists(file)
            ? Optional.of(HostId.parse(Files.readString(file).trim()))
            : Optional.empty();
      } catch (IOException e) {
        return Optional.empty();
      }
    }

    public HostId hostId() {
      return id().orElseThrow();
    }

    public boolean agentAlive() {
      return agent != null && agent.isAlive();
    }

    Path statsFile() {
      return state.resolve("run").resolve("datapath-stats.json");
    }

    /** The agent's datapath counters, as it last wrote them (every second). */
    public JsonNode stats() {
      try {
        return JSON.readTree(statsFile().toFile());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String log() {
      try {
        return Files.readString(state.resolve("agent.log"));
      } catch (IOException e) {
        return e.toString();
      }
    }

    void stopAgent() {
      stop(agent, true);
    }

    /**
     * A host death as far as nsvpn can tell: SIGKILL to the agent and to everything running in this
     * host's VPN namespaces (its charons). The namespaces stay, dead, as they would on a frozen
     * host; a restarted agent removes them.
     */
    public void kill() {
      stop(agent, false);
      stop(datapath, false);
      for (String name : vpnNamespaces()) {
        for (String pid : exec("ip", "netns", "pids", name).stdout().split("\\s+")) {
          if (!pid.isBlank()) {
            ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
          }
        }
      }
    }

    /** SIGKILL to the agent alone (its datapath process, if any, keeps running). */
    public void killAgent() {
      stop(agent, false);
    }

    /** Starts this host's agent again and waits until it is alive. */
    public void restartAgent() {
      startAgent();
      awaitAgent();
    }

    /** The network namespaces of this host whose names are VPN namespaces. */
    public List<String> vpnNamespaces() {
      List<String> out = new ArrayList<>();
      for (String line : exec("ip", "netns", "list").stdout().split("\n")) {
        String name = line.split(" ")[0].trim();
        if (name.startsWith("vpn-")) {
          out.add(name);
        }
      }
      return out;
    }

    /**
     * Cuts this host off from ZooKeeper only (a blackhole route to the ensemble's address in the
     * host's namespace); the underlay to the other hosts stays up.
     */
    public void cutFromZooKeeper() {
      Ip.ip("-n", namespace, "route", "add", "blackhole", bridgeAddress + "/32");
    }

    /** Ends {@link #cutFromZooKeeper}. */
    public void reconnectToZooKeeper() {
      Ip.ip("-n", namespace, "route", "del", "blackhole", bridgeAddress + "/32");
    }

    private void close() {
      stop(agent, true);
      stop(datapath, true);
      OrphanedOvsdbServer.stop(state);
      if (holder != null && holder.isAlive()) {
        removeNamespaces();
      }
      stop(holder, false);
    }

    /**
     * Removes the network namespaces left in this host's private {@code /run/netns} (VPN namespaces
     * whose agent stopped without tearing them down), killing what runs in them: the charons that
     * agent started.
     */
    private void removeNamespaces() {
      for (String line : exec("ip", "netns", "list").stdout().split("\n")) {
        String name = line.split(" ")[0].trim();
        if (name.isEmpty()) {
          continue;
        }
        for (String pid : exec("ip", "netns", "pids", name).stdout().split("\\s+")) {
          if (!pid.isBlank()) {
            ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
          }
        }
        exec("ip", "netns", "del", name);
      }
    }
  }

  private static void stop(Process p, boolean gently) {
    if (p == null || !p.isAlive()) {
      return;
    }
    if (gently) {
      p.destroy();
    } else {
      p.destroyForcibly();
    }
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Copies every log and counters file to target/multihost-TAG/ (Maven's working directory), for a
   * failure's why.
   */
  private void keepLogs() {
    Path kept = Path.of("target", "multihost-" + tag);
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path log :
          files
              .filter(
                  f ->
                      f.toString().endsWith(".log")
                          || f.toString().endsWith(".json")
                          || f.toString().endsWith(".pcap"))
              .toList()) {
        Path target = kept.resolve(directory.relativize(log).toString().replace('/', '-'));
        Files.createDirectories(kept);
        Files.copy(log, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      // The logs are a courtesy; the test's own assertions say what failed.
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (Thread.currentThread() != onExit) {
      Runtime.getRuntime().removeShutdownHook(onExit);
    }
    keepLogs();
    if (store != null) {
      store.close();
      curator.close();
    }
    hosts.forEach(SimHost::close);
    if (zookeeper != null) {
      zookeeper.close();
    }
    for (String vm : vms) {
      Ip.exec("ip", "netns", "del", vm);
    }
    for (SimHost host : hosts) {
      Ip.exec("ip", "netns", "del", host.namespace);
    }
    Ip.exec("ip", "link", "del", bridge);
    keepLogs();
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temp directory is harmless and says where to look.
    }
  }
}
