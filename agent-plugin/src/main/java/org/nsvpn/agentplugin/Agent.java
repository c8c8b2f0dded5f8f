package org.nsvpn.agentplugin;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.nsvpn.agentplugin.datapath.Datapath;
import org.nsvpn.agentplugin.datapath.DatapathControl;
import org.nsvpn.agentplugin.datapath.RemoteDatapath;
import org.nsvpn.agentplugin.metrics.AgentMetrics;
import org.nsvpn.agentplugin.metrics.MetricsServer;
import org.nsvpn.agentplugin.metrics.Readiness;
import org.nsvpn.agentplugin.placement.ClusterPlacement;
import org.nsvpn.agentplugin.placement.GatewayScheduler;
import org.nsvpn.agentplugin.spi.AgentPlugin;
import org.nsvpn.agentplugin.spi.GatewayPlacement;
import org.nsvpn.agentplugin.spi.PluginContext;
import org.nsvpn.agentplugin.spi.PortBinder;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.model.BridgePort;
import org.nsvpn.chainrules.model.Host;
import org.nsvpn.chainrules.model.HostBinding;
import org.nsvpn.chainrules.model.Port;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.ovsdb.Ovsdb;
import org.nsvpn.ovsdb.api.ClientState;
import org.nsvpn.ovsdb.api.OvsdbClient;
import org.nsvpn.ovsdb.api.OvsdbEndpoint;
import org.nsvpn.ovsdb.ipsec.IpsecSchema;
import org.nsvpn.ovsdb.ipsec.IpsecStatusPublisher;
import org.nsvpn.topology.ObjectKind;
import org.nsvpn.topology.SecretsCredential;
import org.nsvpn.topology.StoreTransaction;
import org.nsvpn.topology.TopologyStore;
import org.nsvpn.topology.VersionConflictException;
import org.nsvpn.topology.Versioned;
import org.nsvpn.topology.ZooKeeperClients;
import org.nsvpn.topology.server.EmbeddedZooKeeper;
import org.nsvpn.topology.status.HostLiveness;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent process's composition root: connects to (or runs) ZooKeeper and ovsdb-server, registers
 * this host as alive, follows the topology, runs the datapath, starts the plugins.
 *
 * <p>{@link #start} either returns a running agent or fails having released everything it had
 * acquired. {@link #close()} stops in reverse order and is idempotent. Charon instances that the
 * IPsec plugin started keep running across an agent restart (the next agent adopts them); the
 * embedded ovsdb-server is stopped by a clean shutdown and adopted after a crash.
 */
public final class Agent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);
  private static final Duration SERVER_START = Duration.ofSeconds(30);

  /** How often the scheduler looks again without a trigger (a drain waiting for a move). */
  private static final Duration SCHEDULER_RECHECK = Duration.ofSeconds(1);

  /** How often the embedded ovsdb-server is checked (and started again when it died). */
  private static final Duration OVSDB_CHECK = Duration.ofSeconds(1);

  private final HostIdentity identity;
  private final Deque<AutoCloseable> resources;
  private final TopologyStore store;
  private final Optional<Datapath> datapath;
  private final List<AgentPlugin> plugins;
  private final ActorSystem<Void> actorSystem;
  private volatile boolean closed;

  private Agent(
      HostIdentity identity,
      Deque<AutoCloseable> resources,
      TopologyStore store,
      Optional<Datapath> datapath,
      List<AgentPlugin> plugins,
      ActorSystem<Void> actorSystem) {
    this.identity = identity;
    this.resources = resources;
    this.store = store;
    this.datapath = datapath;
    this.plugins = plugins;
    this.actorSystem = actorSystem;
  }

  /** Starts an agent with the plugins found by {@link ServiceLoader}. */
  public static Agent start(AgentConfig config) {
    List<AgentPlugin> plugins = new ArrayList<>();
    ServiceLoader.load(AgentPlugin.class).forEach(plugins::add);
    return start(config, plugins);
  }

  /** Starts an agent with the given plugins. */
  public static Agent start(AgentConfig config, List<AgentPlugin> plugins) {
    Deque<AutoCloseable> resources = new ArrayDeque<>();
    try {
      HostIdentity identity = HostIdentity.of(config);
      log.info("agent starting: host {} ({})", identity.name(), identity.id());

      SecretsCredential credential = SecretsCredential.loadOrCreate(config.secretsCredentialFile());
      String connect;
      if (config.zookeeperConnect().isPresent()) {
        connect = config.zookeeperConnect().get();
      } else {
        EmbeddedZooKeeper zk =
            EmbeddedZooKeeper.start(
                config.embeddedZookeeperDirectory(),
                config.embeddedZookeeperAddress(),
                config.embeddedZookeeperPort(),
                SERVER_START);
        resources.push(zk);
        connect = zk.connectString();
        log.info("embedded ZooKeeper at {}", connect);
      }
      CuratorFramework curator =
          ZooKeeperClients.connect(
              connect,
              Optional.of(credential),
              config.zookeeperConnectTimeout(),
              config.zookeeperSessionTimeout());
      resources.push(curator::close);
      TopologyStore store =
          TopologyStore.open(curator, config.zookeeperRoot(), Optional.of(credential));
      resources.push(store);
      publishHost(store, identity, config.tunnelAddress());

      OvsdbEndpoint ovsdbEndpoint;
      Optional<OvsdbServerSupervisor> ovsdbServer = Optional.empty();
      if (config.ovsdbEndpoint().isPresent()) {
        ovsdbEndpoint = config.ovsdbEndpoint().get();
      } else {
        OvsdbServerSupervisor server =
            OvsdbServerSupervisor.start(
                config.embeddedOvsdbDirectory(),
                IpsecSchema.schemaJson(),
                SERVER_START,
                OVSDB_CHECK);
        resources.push(server);
        ovsdbEndpoint = server.endpoint();
        ovsdbServer = Optional.of(server);
      }
      OvsdbClient ovsdb = Ovsdb.client(ovsdbEndpoint);
      resources.push(ovsdb);
      ovsdb.start().get(SERVER_START.toSeconds(), TimeUnit.SECONDS);
      IpsecStatusPublisher publisher =
          IpsecStatusPublisher.create(
              ovsdb,
              new IpsecStatusPublisher.Options(
                  config.ovsdbDatabase(), config.ovsdbDefaultRefresh()));
      resources.push(publisher);
      publisher.start().get(SERVER_START.toSeconds(), TimeUnit.SECONDS);

      TopologyFollower follower = new TopologyFollower(store);
      resources.push(follower);
      Optional<Datapath> datapath = Optional.empty();
      Optional<DatapathControl> control = Optional.empty();
      if (config.datapathEnabled()) {
        if (config.datapathMode() == AgentConfig.DatapathMode.PROCESS) {
          RemoteDatapath remote =
              RemoteDatapath.connect(config.runDirectory().resolve(RemoteDatapath.SOCKET_NAME));
          resources.push(remote);
          control = Optional.of(remote);
          log.info("datapath: the nsvpn-datapath process, through {}", remote.socket());
        } else {
          LocalDatapath local = LocalDatapath.start(config, identity.id(), curator, follower);
          resources.push(local);
          datapath = Optional.of(local.datapath());
          control = Optional.of(local.datapath());
        }
      }
      follower.start();
      ClusterPlacement placement =
          new ClusterPlacement(curator, store.status(), identity.id(), control);
      resources.push(placement);
      placement.start();
      GatewayScheduler scheduler =
          new GatewayScheduler(
              curator, store.status(), identity.id(), follower::topology, SCHEDULER_RECHECK);
      resources.push(scheduler);
      scheduler.start();
      follower.addListener(t -> scheduler.trigger());

      ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "nsvpn-agent", config.raw());
      resources.push(
          () -> {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
          });

      PluginContext context;
      PrometheusRegistry registry = new PrometheusRegistry();
      JvmMetrics.builder().register(registry);
      AgentMetrics.flag(
          registry,
          "nsvpn_zookeeper_connected",
          "1 while the agent's ZooKeeper connection is up",
          () -> curator.getZookeeperClient().isConnected());
      AgentMetrics.flag(
          registry,
          "nsvpn_ovsdb_connected",
          "1 while the agent's OVSDB connection is up",
          () -> ovsdb.state() == ClientState.CONNECTED);
      AgentMetrics.flag(
          registry,
          "nsvpn_gateway_fenced",
          "1 while the session fence holds this host's scheduled VPN namespaces",
          placement::fenced);
      AgentMetrics.flag(
          registry,
          "nsvpn_gateway_scheduler",
          "1 while this agent is the cluster's elected gateway scheduler",
          scheduler::isLeader);
      datapath.ifPresent(dp -> AgentMetrics.datapath(registry, dp));
      ovsdbServer.ifPresent(
          server ->
              CounterWithCallback.builder()
                  .name("nsvpn_ovsdb_server_restarts")
                  .help("times the embedded ovsdb-server died and was started again")
                  .callback(cb -> cb.call(server.restarts()))
                  .register(registry));
      context =
          new Context(
              identity.id(),
              config,
              store,
              follower,
              publisher,
              system,
              placement,
              registry,
              new StorePortBinder(store, identity.id(), control));
      List<AgentPlugin> started = new ArrayList<>();
      for (AgentPlugin plugin : plugins) {
        plugin.start(context);
        started.add(plugin);
        resources.push(plugin);
        log.info("plugin {} started", plugin.name());
      }
      if (config.metricsEnabled()) {
        resources.push(startMetrics(config, registry, curator, ovsdb, control));
      }
      // Alive only once everything runs: a host that others see alive can carry its ports.
      resources.push(
          store
              .status()
              .registerLiveness(
                  new HostLiveness(
                      identity.id(),
                      identity.name(),
                      ProcessHandle.current().pid(),
                      Instant.now())));
      log.info("agent running: host {} ({})", identity.name(), identity.id());
      return new Agent(identity, resources, store, datapath, List.copyOf(started), system);
    } catch (Exception e) {
      closeAll(resources);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new AgentStartException("agent failed to start: " + e.getMessage(), e);
    }
  }

  /**
   * Registers this host, or brings its record up to date: the name is kept (an operator may have
   * renamed it), the tunnel address is the configured one.
   */
  private static void publishHost(
      TopologyStore store, HostIdentity identity, Optional<Ipv4Address> tunnelAddress) {
    Optional<Versioned<Host>> existing = store.refresh().get(ObjectKind.HOST, identity.id());
    if (existing.isEmpty()) {
      store.create(new Host(identity.id(), identity.name(), tunnelAddress));
      log.info("registered host {} in the topology", identity.name());
    } else if (!existing.get().value().tunnelAddress().equals(tunnelAddress)) {
      store.commit(
          StoreTransaction.builder()
              .update(
                  existing.get().value().withTunnelAddress(tunnelAddress), existing.get().version())
              .build());
      log.info(
          "host {}: tunnel address now {}",
          identity.name(),
          tunnelAddress.map(Object::toString).orElse("none"));
    }
  }

  /**
   * Serves /metrics, /healthz and /readyz, and writes the address served to
   * RUN-DIRECTORY/metrics-address (useful with port 0).
   */
  private static MetricsServer startMetrics(
      AgentConfig config,
      PrometheusRegistry registry,
      CuratorFramework curator,
      OvsdbClient ovsdb,
      Optional<DatapathControl> datapath) {
    Map<String, Supplier<Readiness.Check>> checks = new LinkedHashMap<>();
    checks.put(
        "zookeeper",
        () ->
            curator.getZookeeperClient().isConnected()
                ? Readiness.Check.ok("connected")
                : Readiness.Check.failing("not connected to ZooKeeper"));
    checks.put(
        "ovsdb",
        () ->
            ovsdb.state() == ClientState.CONNECTED
                ? Readiness.Check.ok("connected")
                : Readiness.Check.failing("ovsdb " + ovsdb.state().name().toLowerCase()));
    checks.put(
        "datapath",
        () ->
            datapath
                .map(
                    dp ->
                        dp.state() == DatapathControl.State.RUNNING
                            ? Readiness.Check.ok("running")
                            : Readiness.Check.failing(
                                "datapath " + dp.state().name().toLowerCase()))
                .orElse(Readiness.Check.ok("disabled")));
    return serveMetrics(config, config.metricsPort(), "metrics-address", registry, checks);
  }

  /**
   * Serves {@code registry} and the checks on the metrics address and {@code port}, and writes the
   * address served to RUN-DIRECTORY/{@code addressFile} (useful with port 0).
   */
  static MetricsServer serveMetrics(
      AgentConfig config,
      int port,
      String addressFile,
      PrometheusRegistry registry,
      Map<String, Supplier<Readiness.Check>> checks) {
    MetricsServer server =
        MetricsServer.start(
            new InetSocketAddress(config.metricsAddress(), port), registry, Readiness.of(checks));
    try {
      Files.createDirectories(config.runDirectory());
      InetSocketAddress bound = server.address();
      Files.writeString(
          config.runDirectory().resolve(addressFile),
          bound.getAddress().getHostAddress() + ":" + bound.getPort() + "\n");
    } catch (IOException e) {
      server.close();
      throw new UncheckedIOException("cannot write the metrics address", e);
    }
    return server;
  }

  public HostId host() {
    return identity.id();
  }

  public TopologyStore topology() {
    return store;
  }

  public Optional<Datapath> datapath() {
    return datapath;
  }

  public List<AgentPlugin> plugins() {
    return plugins;
  }

  public ActorSystem<Void> actorSystem() {
    return actorSystem;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    log.info("agent stopping");
    closeAll(resources);
    log.info("agent stopped");
  }

  static void closeAll(Deque<AutoCloseable> resources) {
    while (!resources.isEmpty()) {
      AutoCloseable resource = resources.pop();
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("error while stopping {}: {}", resource, e.toString());
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /** The agent could not start; everything it had acquired has been released. */
  public static final class AgentStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AgentStartException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private record Context(
      HostId host,
      AgentConfig agentConfig,
      TopologyStore topology,
      TopologyFollower follower,
      IpsecStatusPublisher ovsdb,
      ActorSystem<?> actorSystem,
      GatewayPlacement placement,
      PrometheusRegistry metrics,
      PortBinder ports)
      implements PluginContext {

    @Override
    public com.typesafe.config.Config config() {
      return agentConfig.raw();
    }

    @Override
    public void onTopology(Consumer<Topology> listener) {
      follower.addListener(listener);
    }

    @Override
    public Path runDirectory() {
      return agentConfig.runDirectory();
    }
  }

  /** Binds ports by writing their host binding into the topology store. */
  private record StorePortBinder(
      TopologyStore store, HostId host, Optional<DatapathControl> datapath) implements PortBinder {
    @Override
    public CompletableFuture<Void> bind(PortId port, String interfaceName) {
      HostBinding binding = new HostBinding(host, interfaceName);
      Port current =
          store
              .refresh()
              .topology()
              .port(port)
              .orElseThrow(() -> new IllegalArgumentException("port " + port + " does not exist"));
      if (!current.binding().equals(Optional.of(binding))) {
        store.commit(
            new org.nsvpn.chainrules.model.TopologyChange(
                List.of(withBinding(current, Optional.of(binding))), List.of()));
      }
      // The datapath learns of a new binding from the topology follower, within milliseconds.
      return datapath
          .map(dp -> dp.whenReading(port, interfaceName))
          .orElse(CompletableFuture.completedFuture(null));
    }

    /**
     * Version-checked: when another host binds the port between our read and our write (a service
     * moving to another gateway), the write fails, the port is read again, and its new binding
     * stays.
     */
    @Override
    public void unbind(PortId port) {
      for (int attempt = 0; ; attempt++) {
        Optional<Versioned<Port>> current = store.refresh().get(ObjectKind.PORT, port);
        if (current.isEmpty()
            || current.get().value().binding().map(b -> !b.host().equals(host)).orElse(true)) {
          return;
        }
        try {
          store.commit(
              StoreTransaction.builder()
                  .update(
                      withBinding(current.get().value(), Optional.empty()), current.get().version())
                  .build());
          return;
        } catch (VersionConflictException e) {
          if (attempt >= 3) {
            throw e;
          }
        }
      }
    }

    private static Port withBinding(Port port, Optional<HostBinding> binding) {
      return port instanceof RouterPort rp
          ? rp.withBinding(binding)
          : ((BridgePort) port).withBinding(binding);
    }
  }
}
