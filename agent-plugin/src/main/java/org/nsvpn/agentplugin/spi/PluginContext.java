package org.nsvpn.agentplugin.spi;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.ovsdb.ipsec.IpsecStatusPublisher;
import org.nsvpn.topology.TopologyStore;

/** What the agent gives its plugins. Valid from {@code start} until the plugin is closed. */
public interface PluginContext {

  /** This host's id in the topology. */
  HostId host();

  /** The agent's whole configuration. */
  Config config();

  /** The topology store (ZooKeeper), opened with the secrets credential. */
  TopologyStore topology();

  /**
   * Calls {@code listener} with the current topology at once and then after every change, in order,
   * on one thread, with consistent snapshots (changes are coalesced).
   */
  void onTopology(Consumer<Topology> listener);

  /** Where the scheduler placed the services that have a gateway group; the session fence. */
  GatewayPlacement placement();

  /** Binds ports to this host's interfaces (the datapath follows the bindings). */
  PortBinder ports();

  /**
   * The OVSDB IPsec status publisher; plugins contribute to its snapshot with {@code
   * startPeriodic}.
   */
  IpsecStatusPublisher ovsdb();

  /** The agent's Prometheus registry, served on {@code /metrics}; plugins add their metrics. */
  PrometheusRegistry metrics();

  /** The agent's actor system; plugins spawn their guardians with {@code systemActorOf}. */
  ActorSystem<?> actorSystem();

  /** Runtime state directory (e.g. for charon instance directories). */
  Path runDirectory();
}
