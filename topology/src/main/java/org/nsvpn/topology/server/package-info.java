/**
 * The embedded single-machine ZooKeeper server: the default when no external ensemble is
 * configured, with a persistent data directory and a clean shutdown.
 */
package org.nsvpn.topology.server;
