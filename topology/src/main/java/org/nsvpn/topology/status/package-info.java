/**
 * Status and liveness records as the store keeps them: host liveness, VPN service status, and
 * connection reports (a {@link org.nsvpn.chainrules.status.ConnectionStatus} from the one status
 * model with the reporting host). Immutable values validated in their constructors; stored as JSON
 * by {@link org.nsvpn.topology.StatusStore}.
 */
package org.nsvpn.topology.status;
