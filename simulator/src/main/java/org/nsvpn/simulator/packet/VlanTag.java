package org.nsvpn.simulator.packet;

import org.nsvpn.chainrules.Require;

/**
 * An IEEE 802.1Q tag.
 *
 * @param priority priority code point, 0..7
 * @param dropEligible the DEI bit
 * @param vlanId VLAN identifier, 0..4095
 */
public record VlanTag(int priority, boolean dropEligible, int vlanId) {
  public VlanTag {
    Require.inRange("vlan priority", priority, 0, 7);
    Require.inRange("vlan id", vlanId, 0, 4095);
  }

  /** A tag with priority 0 and DEI clear. */
  public static VlanTag of(int vlanId) {
    return new VlanTag(0, false, vlanId);
  }

  /** The 16-bit tag control information. */
  public int tci() {
    return priority << 13 | (dropEligible ? 0x1000 : 0) | vlanId;
  }

  static VlanTag fromTci(int tci) {
    return new VlanTag(tci >>> 13, (tci & 0x1000) != 0, tci & 0xfff);
  }
}
