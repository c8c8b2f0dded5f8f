package org.nsvpn.simulator;

import org.nsvpn.chainrules.Require;

/**
 * Options of a {@link Simulator}.
 *
 * @param verifyL4Checksums drop frames whose ICMP, UDP or TCP checksum is wrong. Turn it off for
 *     frames read from interfaces that leave checksums to offload (a veth carrying locally
 *     generated packets does, unless offload is disabled); the IPv4 header checksum is always
 *     verified.
 * @param maxHops the most devices one frame may cross; a loop guard (1..255)
 */
public record SimulatorConfig(boolean verifyL4Checksums, int maxHops) {
  public static final SimulatorConfig DEFAULT = new SimulatorConfig(true, 16);

  public SimulatorConfig {
    Require.inRange("max hops", maxHops, 1, 255);
  }
}
