/** End-to-end measurements of a running agent (drivers for scripts/bench-*, not JMH). */
package org.nsvpn.benchmarks.agent;
