package org.nsvpn.agentplugin.spi;

/**
 * A unit of agent functionality, registered in {@code META-INF/services}. The agent starts every
 * plugin once its context is ready and closes them in reverse order when it stops.
 */
public interface AgentPlugin extends AutoCloseable {

  /** A short, stable name for logs and configuration ({@code nsvpn.plugins.<name>}). */
  String name();

  /**
   * Starts the plugin. Must not block for long: long work belongs on the plugin's own actors or
   * threads. A failure here stops the agent's start.
   */
  void start(PluginContext context);

  /** Stops the plugin and releases what it holds; called once. */
  @Override
  void close();
}
