package org.nsvpn.agentplugin;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.nsvpn.agentplugin.datapath.ControlServer;
import org.nsvpn.agentplugin.datapath.Datapath;
import org.nsvpn.agentplugin.datapath.DatapathControl;
import org.nsvpn.agentplugin.datapath.RemoteDatapath;
import org.nsvpn.agentplugin.metrics.AgentMetrics;
import org.nsvpn.agentplugin.metrics.MetricsServer;
import org.nsvpn.agentplugin.metrics.Readiness;
import org.nsvpn.simulator.state.NetworkState;
import org.nsvpn.topology.StoreSnapshot;
import org.nsvpn.topology.TopologyStore;
import org.nsvpn.topology.ZooKeeperClients;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nsvpn-datapath process's composition root: the datapath of {@code datapath.mode = process},
 * outside the agent, so that the agent can be killed, restarted or upgraded while frames keep
 * flowing (docs/architecture.md, "A datapath that outlives the agent").
 *
 * <p>It follows the topology on its own ZooKeeper session (read only: no secrets, no writes but the
 * neighbour entries it shares on an overlay), forwards on its last snapshot while ZooKeeper is
 * away, and serves the agent's requests on RUN-DIRECTORY/datapath.sock.
 *
 * <p>One datapath per host: the process that forwards holds an exclusive lock on
 * RUN-DIRECTORY/datapath.lock. A new process (an upgrade, a restart) gets ready first (JVM,
 * ZooKeeper, the topology), then asks the running one to hand over: that one closes its sockets and
 * releases the lock, and exits; the new one takes the lock and opens its sockets. Only the sockets'
 * closing and opening interrupt forwarding.
 *
 * <p>{@link #start} returns a forwarding datapath or fails having released everything; {@link
 * #close()} is idempotent.
 */
public final class DatapathProcess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DatapathProcess.class);

  /** How long a predecessor may take to hand over, and the lock to come free after it did. */
  private static final Duration HANDOVER = Duration.ofSeconds(10);

  /** The lock the forwarding datapath holds, in the run directory. */
  private static final String LOCK_NAME = "datapath.lock";

  private final Deque<AutoCloseable> resources;
  private final CompletableFuture<Void> handedOver;
  private volatile boolean closed;

  private DatapathProcess(Deque<AutoCloseable> resources, CompletableFuture<Void> handedOver) {
    this.resources = resources;
    this.handedOver = handedOver;
  }

  public static DatapathProcess start(AgentConfig config) {
    Deque<AutoCloseable> resources = new ArrayDeque<>();
    try {
      HostIdentity identity = HostIdentity.existing(config);
      log.info("nsvpn-datapath starting: host {}", identity.id());
      CuratorFramework curator =
          ZooKeeperClients.connect(
              config.zookeeperConnectString(),
              Optional.empty(),
              config.zookeeperConnectTimeout(),
              config.zookeeperSessionTimeout());
      resources.push(curator::close);
      TopologyStore store =
          TopologyStore.openLazily(curator, config.zookeeperRoot(), Optional.empty());
      resources.push(store);
      TopologyFollower follower = new TopologyFollower(store);
      resources.push(follower);

      // The first datapath a JVM builds spends some 300 ms loading and compiling (the simulator,
      // the native bindings): a throwaway one over the same snapshot, never started, takes that
      // out of the handover's outage.
      StoreSnapshot first = follower.snapshot();
      Datapath.create(
              identity.id(),
              first.topology(),
              first.tunnelKeys(),
              NetworkState.create(),
              Optional.empty())
          .close();

      // Ready to forward: only now is the running datapath (if any) asked to stop.
      Files.createDirectories(config.runDirectory());
      Path socket = config.runDirectory().resolve(RemoteDatapath.SOCKET_NAME);
      long asked = System.nanoTime();
      boolean tookOver = RemoteDatapath.askToHandOver(socket, HANDOVER);
      long released = System.nanoTime();
      Lock lock = Lock.acquire(config.runDirectory().resolve(LOCK_NAME), HANDOVER);
      resources.push(lock);
      long locked = System.nanoTime();

      LocalDatapath local = LocalDatapath.start(config, identity.id(), curator, follower);
      resources.push(local);
      long forwarding = local.forwardingSince();
      follower.start();
      // The metrics port is exclusive too: the predecessor closed it before it answered.
      Optional<MetricsServer> metrics = Optional.empty();
      if (config.metricsEnabled()) {
        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        AgentMetrics.flag(
            registry,
            "nsvpn_zookeeper_connected",
            "1 while the datapath's ZooKeeper connection is up",
            () -> curator.getZookeeperClient().isConnected());
        AgentMetrics.datapath(registry, local.datapath());
        Map<String, Supplier<Readiness.Check>> checks = new LinkedHashMap<>();
        // The datapath forwards on its last snapshot without ZooKeeper: that is not a failure.
        checks.put(
            "datapath",
            () ->
                local.datapath().state() == DatapathControl.State.RUNNING
                    ? Readiness.Check.ok("running")
                    : Readiness.Check.failing(
                        "datapath " + local.datapath().state().name().toLowerCase()));
        metrics =
            Optional.of(
                Agent.serveMetrics(
                    config,
                    config.datapathMetricsPort(),
                    "datapath-metrics-address",
                    registry,
                    checks));
        resources.push(metrics.get());
      }
      Optional<MetricsServer> finalMetrics = metrics;
      ControlServer server =
          ControlServer.start(
              socket,
              local.datapath(),
              () -> {
                // What a successor needs exclusively is released before the answer: forwarding,
                // the underlay and metrics ports, the lock. The sockets close after it.
                local.datapath().stop();
                finalMetrics.ifPresent(MetricsServer::close);
                lock.close();
              });
      resources.push(server);
      if (tookOver) {
        log.info(
            "took over from the previous nsvpn-datapath: {} ms from asking to forwarding (it"
                + " stopped after {} ms, the lock took {} ms, opening the sockets {} ms)",
            TimeUnit.NANOSECONDS.toMillis(forwarding - asked),
            TimeUnit.NANOSECONDS.toMillis(released - asked),
            TimeUnit.NANOSECONDS.toMillis(locked - released),
            TimeUnit.NANOSECONDS.toMillis(forwarding - locked));
      }

      log.info("nsvpn-datapath running: host {}", identity.id());
      return new DatapathProcess(resources, server.handedOver());
    } catch (Exception e) {
      Agent.closeAll(resources);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new Agent.AgentStartException("nsvpn-datapath failed to start: " + e.getMessage(), e);
    }
  }

  /** Completes when a successor took over: the process should then exit. */
  public CompletableFuture<Void> handedOver() {
    return handedOver;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    Agent.closeAll(resources);
    log.info("nsvpn-datapath stopped");
  }

  /**
   * The exclusive lock on RUN-DIRECTORY/datapath.lock (its content: the holder's pid, for
   * operators). Released by {@link #close()} or by the process's death.
   */
  private static final class Lock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private Lock(FileChannel channel, FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }

    static Lock acquire(Path file, Duration timeout) throws IOException, InterruptedException {
      FileChannel channel =
          FileChannel.open(
              file,
              Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      long deadline = System.nanoTime() + timeout.toNanos();
      try {
        while (true) {
          FileLock lock = channel.tryLock();
          if (lock != null) {
            channel.truncate(0);
            channel.write(
                java.nio.ByteBuffer.wrap(
                    (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
                0);
            return new Lock(channel, lock);
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "another nsvpn-datapath (pid "
                    + Files.readString(file, StandardCharsets.US_ASCII).trim()
                    + ") holds "
                    + file
                    + " and did not hand over: stop it first");
          }
          TimeUnit.MILLISECONDS.sleep(10);
        }
      } catch (IOException | RuntimeException | InterruptedException e) {
        channel.close();
        throw e;
      }
    }

    @Override
    public synchronized void close() {
      try {
        if (lock.isValid()) {
          lock.release();
        }
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot release the datapath lock", e);
      }
    }
  }
}
