package org.nsvpn.chainrules.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nsvpn.chainrules.InvalidValueException;

class Ipv4AddressTest {

  @Test
  void parsesAndFormatsDottedQuad() {
    Ipv4Address a = Ipv4Address.parse("201.201.201.1");
    assertThat(a.bits()).isEqualTo(0xc9c9c901);
    assertThat(a).hasToString("201.201.201.1");
    assertThat(Ipv4Address.parse("0.0.0.0")).isEqualTo(Ipv4Address.ANY);
    assertThat(Ipv4Address.parse("255.255.255.255").bits()).isEqualTo(-1);
    assertThat(Ipv4Address.of(192, 0, 2, 1)).isEqualTo(Ipv4Address.parse("192.0.2.1"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "1",
        "1.2.3",
        "1.2.3.4.5",
        "1.2.3.256",
        "256.1.1.1",
        "01.2.3.4",
        "1.2.3.04",
        "1..2.3",
        ".1.2.3",
        "1.2.3.",
        "1.2.3.4 ",
        " 1.2.3.4",
        "a.b.c.d",
        "1.2.3.-4",
        "1.2.3.4/32",
        "1234.1.1.1",
        "١.٢.٣.٤",
        "::1"
      })
  void refusesMalformedText(String text) {
    assertThatThrownBy(() -> Ipv4Address.parse(text))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("IPv4 address")
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  void refusesNullAndOutOfRangeOctets() {
    assertThatThrownBy(() -> Ipv4Address.parse(null)).isInstanceOf(InvalidValueException.class);
    assertThatThrownBy(() -> Ipv4Address.of(1, 2, 3, 256))
        .hasMessageContaining("octets must be 0..255");
  }

  @Test
  void bytesRoundTripAndClassification() {
    Ipv4Address a = Ipv4Address.parse("169.254.169.254");
    assertThat(a.toBytes()).containsExactly(169, 254, 169, 254);
    assertThat(Ipv4Address.fromBytes(a.toBytes())).isEqualTo(a);
    assertThat(a.isLinkLocal()).isTrue();
    assertThat(Ipv4Address.parse("169.253.1.1").isLinkLocal()).isFalse();
    assertThat(Ipv4Address.parse("224.0.0.5").isMulticast()).isTrue();
    assertThat(Ipv4Address.parse("223.255.255.255").isMulticast()).isFalse();
    assertThatThrownBy(() -> Ipv4Address.fromBytes(new byte[5])).hasMessageContaining("4 bytes");
  }

  @Test
  void ordersAsUnsignedNumbersAndBeforeIpv6() {
    assertThat(Ipv4Address.parse("200.0.0.1")).isGreaterThan(Ipv4Address.parse("10.0.0.1"));
    assertThat((IpAddress) Ipv4Address.parse("255.255.255.255"))
        .isLessThan(Ipv6Address.parse("::"));
    assertThat(Ipv4Address.parse("10.0.0.255").plus(1)).isEqualTo(Ipv4Address.parse("10.0.1.0"));
  }

  @Property
  void formatThenParseIsIdentity(@ForAll int bits) {
    Ipv4Address a = new Ipv4Address(bits);
    assertThat(Ipv4Address.parse(a.toString())).isEqualTo(a);
    assertThat(IpAddress.parse(a.toString())).isEqualTo(a);
    assertThat(IpAddress.fromBytes(a.toBytes())).isEqualTo(a);
  }
}
