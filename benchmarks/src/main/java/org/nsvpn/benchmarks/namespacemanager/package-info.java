/**
 * End-to-end benchmark of the namespace manager against two iproute2 baselines (one {@code ip}
 * process per step, and {@code ip -batch}); run with {@code scripts/bench-namespaces}, as root.
 */
package org.nsvpn.benchmarks.namespacemanager;
