/**
 * End-to-end benchmark of the topology store and the CLI against the embedded ZooKeeper server:
 * 10,000 route creations through the store API and through a CLI script, with the latency from each
 * write to its watch event. Run with scripts/bench-topology.
 */
package org.nsvpn.benchmarks.topology;
