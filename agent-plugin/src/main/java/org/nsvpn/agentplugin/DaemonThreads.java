package org.nsvpn.agentplugin;

import java.util.concurrent.ThreadFactory;

/**
 * Thread factories for the agent's background executors: named (so a thread dump says whose thread
 * it is) and daemon (so a forgotten executor never keeps a stopping agent alive; each owner still
 * shuts its executor down in its close).
 */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** A factory of daemon threads all called {@code name}. */
  public static ThreadFactory named(String name) {
    return runnable -> {
      Thread t = new Thread(runnable, name);
      t.setDaemon(true);
      return t;
    };
  }
}
