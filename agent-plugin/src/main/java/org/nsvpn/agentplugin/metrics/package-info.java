/**
 * The agent's operator surfaces over HTTP: Prometheus metrics ({@code /metrics}) and health ({@code
 * /healthz}, {@code /readyz}); see docs/operations.md, "Metrics and health".
 */
package org.nsvpn.agentplugin.metrics;
