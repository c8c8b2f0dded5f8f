/** Benchmarks of the simulator: simulations per second against the cost of parsing alone. */
package org.nsvpn.benchmarks.simulator;
