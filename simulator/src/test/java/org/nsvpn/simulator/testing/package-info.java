/**
 * Test support, published in the simulator's test jar for other modules' tests: a {@link
 * org.nsvpn.simulator.testing.ManualTicker} to age learning state without sleeping, the {@link
 * org.nsvpn.simulator.testing.TestNetwork} topology DSL (devices and ports by name), and the {@link
 * org.nsvpn.simulator.testing.Seed002Network} fixture: the seed-002 VPN topology built with the
 * chain-rules redirect plan.
 */
package org.nsvpn.simulator.testing;
