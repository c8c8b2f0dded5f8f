/**
 * JMH benchmarks. Run them with {@code scripts/bench-jmh}; results are recorded in
 * docs/performance.md together with the command that produced them.
 */
package org.nsvpn.benchmarks;
