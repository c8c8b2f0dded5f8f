/**
 * Status and liveness records: what agents report about hosts, VPN services and IPsec site
 * connections (state, reason, IKE and child SAs with SPIs, proposals and counters), and what the
 * CLI shows. Immutable values validated in their constructors; stored as JSON by {@link
 * org.nsvpn.topology.StatusStore}.
 */
package org.nsvpn.topology.status;
