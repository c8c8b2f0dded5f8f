package org.nsvpn.agentplugin.ipsec;

import akka.actor.typed.ActorRef;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.AskPattern;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.nsvpn.agentplugin.spi.AgentPlugin;
import org.nsvpn.agentplugin.spi.PluginContext;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.namespacemanager.NamespaceManager;
import org.nsvpn.namespacemanager.netns.NetworkNamespaces;
import org.nsvpn.strongswan.StrongSwan;
import org.nsvpn.strongswan.StrongSwanConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IPsec VPN plugin: a {@link VpnGuardian} with one {@link RouterVpnActor} per served router,
 * the namespace manager, the strongSwan service, and the OVSDB status publishing. Settings under
 * {@code nsvpn.plugins.ipsec} (see reference.conf).
 */
public final class IpsecPlugin implements AgentPlugin {
  private static final Logger log = LoggerFactory.getLogger(IpsecPlugin.class);

  private NamespaceManager namespaceManager;
  private StrongSwan strongSwan;
  private ActorRef<VpnGuardian.Command> guardian;
  private PluginContext context;
  private Duration shutdownTimeout;
  private AutoCloseable namespaceWatch;
  private volatile Topology latest = Topology.EMPTY;

  @Override
  public String name() {
    return "ipsec";
  }

  @Override
  public void start(PluginContext context) {
    this.context = context;
    Config c = context.config().getConfig("nsvpn.plugins.ipsec");
    RouterVpnActor.Settings settings =
        new RouterVpnActor.Settings(
            c.getDuration("reconcile-interval"),
            c.getDuration("counters-write-interval"),
            c.getDuration("min-backoff"),
            c.getDuration("max-backoff"));
    shutdownTimeout = c.getDuration("shutdown-timeout");
    NetworkNamespaces namespaces = NetworkNamespaces.system();
    namespaceManager = NamespaceManager.create(namespaces);
    strongSwan =
        StrongSwan.create(
            StrongSwanConfig.defaults()
                .withStateRoot(context.runDirectory().resolve("charon"))
                .withWorkerThreads(c.getInt("charon-threads"))
                .withRefreshInterval(c.getDuration("status-interval"))
                .withRetry(c.getDuration("retry-min"), c.getDuration("retry-max")),
            namespaces);
    Executor blocking =
        context
            .actorSystem()
            .dispatchers()
            .lookup(DispatcherSelector.fromConfig("nsvpn.plugins.ipsec.blocking-dispatcher"));
    RouterVpnRunner runner =
        new RouterVpnRunner(
            context.topology(),
            namespaces,
            namespaceManager,
            strongSwan,
            context.ports(),
            context.placement(),
            new OwnedNamespaces(context.runDirectory().resolve("namespaces")),
            c.getDuration("operation-timeout"));
    StatusBoard board = new StatusBoard(context.ovsdb()::publishSoon);
    ConnectionMetrics.register(context.metrics(), board, () -> latest);
    RouterVpnActor.Context shared =
        new RouterVpnActor.Context(
            context.host(),
            runner,
            blocking,
            context.topology().status(),
            board,
            settings,
            ServiceMetrics.register(context.metrics(), board, () -> latest));
    guardian =
        context.actorSystem().systemActorOf(VpnGuardian.create(shared), "ipsec", Props.empty());
    namespaceWatch =
        namespaces.watchRemovals(name -> guardian.tell(new VpnGuardian.NamespaceRemoved(name)));
    context.onTopology(
        topology -> {
          latest = topology;
          guardian.tell(new VpnGuardian.TopologyChanged(topology));
        });
    context.placement().onAssignments(a -> guardian.tell(new VpnGuardian.AssignmentsChanged(a)));
    context.ovsdb().startPeriodic(board::snapshot);
    log.info("IPsec plugin started (charon state in {})", context.runDirectory().resolve("charon"));
  }

  /** Stops the router actors (charons keep running, for the next agent to adopt). */
  @Override
  public void close() {
    if (namespaceWatch != null) {
      try {
        namespaceWatch.close();
      } catch (Exception e) {
        log.debug("closing the namespace watch: {}", e.toString());
      }
    }
    if (guardian != null) {
      try {
        AskPattern.<VpnGuardian.Command, akka.Done>ask(
                guardian,
                VpnGuardian.Shutdown::new,
                shutdownTimeout,
                context.actorSystem().scheduler())
            .toCompletableFuture()
            .get(shutdownTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        log.warn("IPsec plugin: router actors did not stop in time: {}", e.toString());
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
      }
    }
    if (strongSwan != null) {
      strongSwan.close();
    }
    if (namespaceManager != null) {
      namespaceManager.close();
    }
  }
}
