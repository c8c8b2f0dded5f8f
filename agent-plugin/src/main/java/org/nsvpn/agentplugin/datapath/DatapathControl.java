package org.nsvpn.agentplugin.datapath;

import java.util.concurrent.CompletableFuture;
import org.nsvpn.chainrules.id.PortId;

/**
 * What the control plane (the IPsec plugin, the session fence, the health check) asks of the
 * datapath, wherever it runs: in the agent's own JVM ({@link Datapath}) or in the separate
 * nsvpn-datapath process ({@link RemoteDatapath}). Everything else the datapath needs, it learns
 * from the topology store by itself.
 */
public interface DatapathControl {

  enum State {
    CREATED,
    RUNNING,
    CLOSED,
    /** A datapath in another process that this agent cannot reach at the moment. */
    UNREACHABLE
  }

  /**
   * Completes once {@code port} is read through a socket on the interface called {@code
   * interfaceName} as that interface is now (a re-created interface of the same name gets a new
   * socket first). The binding must be (or become, through the topology) this host's. Never fails
   * by itself: bound it with a timeout.
   */
  CompletableFuture<Void> whenReading(PortId port, String interfaceName);

  /**
   * Holds {@code port} (the session fence): from now on, frames received on its interface are
   * dropped and nothing is sent to it, each counted in {@link DatapathStats#fenced()}, until {@link
   * #release}. Safe from any thread; idempotent.
   */
  void hold(PortId port);

  /** Ends a {@link #hold}; idempotent. */
  void release(PortId port);

  /**
   * Tells the datapath that {@code port} is a scheduled gateway's namespace port, which another
   * host may be given once this agent's ZooKeeper session ends. A datapath that outlives the agent
   * holds such ports while no agent is connected to it (fail-closed); in the agent's own JVM there
   * is nothing to do, since the datapath stops with the agent. Idempotent.
   */
  default void guard(PortId port) {}

  /** Ends a {@link #guard}; idempotent. */
  default void unguard(PortId port) {}

  State state();
}
