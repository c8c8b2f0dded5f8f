package org.nsvpn.agentplugin.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.nsvpn.topology.TunnelKey;

class VxlanTest {

  private static ByteBuffer packet(byte[] header, int innerLength) {
    ByteBuffer b = ByteBuffer.allocate(header.length + innerLength);
    b.put(header);
    b.position(b.capacity());
    b.flip();
    return b;
  }

  @Test
  void theHeaderIsRfc7348sWithTheKeyAsVni() {
    ByteBuffer b = ByteBuffer.allocate(8);
    Vxlan.writeHeader(b, new TunnelKey(0xABCDEF));
    assertThat(b.array()).containsExactly(0x08, 0, 0, 0, 0xAB, 0xCD, 0xEF, 0);
  }

  @Test
  void parsingReturnsTheKeyIgnoringReservedBits() {
    byte[] header = {(byte) 0xFF, 1, 2, 3, 0x00, 0x00, 0x2A, (byte) 0x99};
    assertThat(Vxlan.parse(packet(header, 14))).isEqualTo(42);
  }

  @Test
  void badPacketsAreNamed() {
    assertThat(Vxlan.drop(Vxlan.parse(packet(new byte[7], 0)))).isEqualTo(OverlayDrop.TRUNCATED);
    byte[] noFlag = {0, 0, 0, 0, 0, 0, 1, 0};
    assertThat(Vxlan.drop(Vxlan.parse(packet(noFlag, 14)))).isEqualTo(OverlayDrop.NOT_VXLAN);
    byte[] zeroKey = {8, 0, 0, 0, 0, 0, 0, 0};
    assertThat(Vxlan.drop(Vxlan.parse(packet(zeroKey, 14)))).isEqualTo(OverlayDrop.UNKNOWN_KEY);
    byte[] good = {8, 0, 0, 0, 0, 0, 1, 0};
    assertThat(Vxlan.drop(Vxlan.parse(packet(good, 13)))).isEqualTo(OverlayDrop.BAD_INNER_FRAME);
    assertThat(Vxlan.parse(packet(good, 14))).isEqualTo(1);
  }
}
