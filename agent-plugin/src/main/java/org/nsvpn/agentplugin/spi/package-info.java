/**
 * The plugin SPI: what an agent plugin implements ({@link org.nsvpn.agentplugin.spi.AgentPlugin},
 * found with {@link java.util.ServiceLoader}) and what the agent gives it ({@link
 * org.nsvpn.agentplugin.spi.PluginContext}).
 */
package org.nsvpn.agentplugin.spi;
