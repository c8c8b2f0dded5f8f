package org.nsvpn.namespacemanager.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class VirtioNetHeaderTest {

  @Test
  void decodesTheKernelsLittleEndianLayout() {
    // A TSO frame over IPv4 as a veth hands it over: NEEDS_CSUM, TCPV4, hdr_len 66, gso_size
    // 1448, csum_start 34, csum_offset 16.
    byte[] wire = HexFormat.of().parseHex("01014200a8052200" + "1000");
    VirtioNetHeader header = VirtioNetHeader.decode(wire, 0);
    assertThat(header)
        .isEqualTo(new VirtioNetHeader(1, VirtioNetHeader.GSO_TCPV4, 66, 1448, 34, 16));
    assertThat(header.needsChecksum()).isTrue();
    assertThat(header.isGso()).isTrue();

    byte[] encoded = new byte[VirtioNetHeader.LENGTH + 2];
    header.encode(encoded, 2);
    assertThat(HexFormat.of().formatHex(encoded, 2, encoded.length))
        .isEqualTo(HexFormat.of().formatHex(wire));
  }

  @Test
  void anAllZeroHeaderIsAWholeFrameAndTheEcnFlagIsNotPartOfTheProtocol() {
    assertThat(VirtioNetHeader.decode(new byte[VirtioNetHeader.LENGTH], 0))
        .isSameAs(VirtioNetHeader.NONE);
    VirtioNetHeader ecn =
        new VirtioNetHeader(
            1, VirtioNetHeader.GSO_TCPV6 | VirtioNetHeader.GSO_ECN, 0, 1400, 54, 16);
    assertThat(ecn.gsoProtocol()).isEqualTo(VirtioNetHeader.GSO_TCPV6);
    assertThat(VirtioNetHeader.NONE.needsChecksum()).isFalse();
  }

  @Test
  void fieldsMustFitTheirWidths() {
    assertThatThrownBy(() -> new VirtioNetHeader(256, 0, 0, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flags");
    assertThatThrownBy(() -> new VirtioNetHeader(0, 0, 0, 65_536, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gso size");
  }
}
