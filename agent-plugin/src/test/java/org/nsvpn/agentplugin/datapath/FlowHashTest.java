package org.nsvpn.agentplugin.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FlowHashTest {

  /** An Ethernet + IPv4 + UDP frame from 10.0.0.1:sport to 10.0.0.2:53. */
  private static byte[] udp(int sourcePort, boolean fragment) {
    byte[] f = new byte[64];
    f[12] = 0x08;
    f[14] = 0x45;
    if (fragment) {
      f[20] = 0x20;
    }
    f[23] = 17;
    f[26] = 10;
    f[29] = 1;
    f[30] = 10;
    f[33] = 2;
    f[34] = (byte) (sourcePort >> 8);
    f[35] = (byte) sourcePort;
    f[37] = 53;
    return f;
  }

  @Test
  void oneFlowOneHashManyFlowsManyHashes() {
    assertThat(FlowHash.of(udp(40000, false), 64)).isEqualTo(FlowHash.of(udp(40000, false), 64));
    Set<Integer> senders = new HashSet<>();
    for (int port = 40000; port < 40064; port++) {
      senders.add(Math.floorMod(FlowHash.of(udp(port, false), 64), Underlay.SENDERS));
    }
    assertThat(senders).hasSize(Underlay.SENDERS);
  }

  @Test
  void fragmentsIgnoreThePortsTheyMayNotCarry() {
    assertThat(FlowHash.of(udp(40000, true), 64)).isEqualTo(FlowHash.of(udp(40001, true), 64));
  }

  @Test
  void shortFramesHashWithoutReadingPastTheirEnd() {
    assertThat(FlowHash.of(udp(40000, false), 20)).isEqualTo(FlowHash.of(udp(40001, false), 20));
  }
}
