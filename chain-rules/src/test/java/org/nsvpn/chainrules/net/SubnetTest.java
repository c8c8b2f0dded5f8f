package org.nsvpn.chainrules.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nsvpn.chainrules.InvalidValueException;

class SubnetTest {

  @Test
  void parsesIpv4PrefixesAndDoesPrefixMath() {
    Ipv4Subnet s = Ipv4Subnet.parse("192.168.10.0/24");
    assertThat(s.address()).isEqualTo(Ipv4Address.parse("192.168.10.0"));
    assertThat(s.prefixLength()).isEqualTo(24);
    assertThat(s.size()).isEqualTo(256);
    assertThat(s.lastAddress()).hasToString("192.168.10.255");
    assertThat(s.contains(Ipv4Address.parse("192.168.10.77"))).isTrue();
    assertThat(s.contains(Ipv4Address.parse("192.168.11.0"))).isFalse();
    assertThat(s.contains(Ipv6Address.parse("::1"))).isFalse();
    assertThat(Ipv4Subnet.parse("0.0.0.0/0").contains(Ipv4Address.parse("255.255.255.255")))
        .isTrue();
    assertThat(Ipv4Subnet.parse("10.0.0.1/32").contains(Ipv4Address.parse("10.0.0.1"))).isTrue();
    assertThat(Ipv4Subnet.mask(0)).isZero();
    assertThat(Ipv4Subnet.mask(24)).isEqualTo(0xffffff00);
    assertThat(Ipv4Subnet.mask(32)).isEqualTo(-1);
  }

  @Test
  void containsAndOverlapsBetweenPrefixes() {
    IpSubnet wide = IpSubnet.parse("10.0.0.0/8");
    IpSubnet narrow = IpSubnet.parse("10.1.0.0/16");
    IpSubnet other = IpSubnet.parse("11.0.0.0/8");
    assertThat(wide.contains(narrow)).isTrue();
    assertThat(narrow.contains(wide)).isFalse();
    assertThat(wide.overlaps(narrow)).isTrue();
    assertThat(narrow.overlaps(wide)).isTrue();
    assertThat(wide.overlaps(other)).isFalse();
    assertThat(wide.overlaps(IpSubnet.parse("::/0"))).isFalse();
    assertThat(IpSubnet.parse("2001:db8::/32").contains(IpSubnet.parse("2001:db8:1::/48")))
        .isTrue();
  }

  @Test
  void containingMasksHostBits() {
    assertThat(IpSubnet.containing(Ipv4Address.parse("201.201.201.1"), 24))
        .isEqualTo(Ipv4Subnet.parse("201.201.201.0/24"));
    assertThat(IpSubnet.containing(Ipv6Address.parse("2001:db8::1:2"), 64))
        .isEqualTo(Ipv6Subnet.parse("2001:db8::/64"));
    assertThat(
            IpSubnet.containing(Ipv6Address.parse("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"), 100))
        .hasToString("2001:db8:ffff:ffff:ffff:ffff:f000:0/100");
    assertThat(IpSubnet.host(Ipv4Address.parse("198.51.100.7"))).hasToString("198.51.100.7/32");
  }

  @Test
  void ipv6ContainsAcrossTheHalfBoundary() {
    Ipv6Subnet s = Ipv6Subnet.parse("2001:db8:0:0:8000::/65");
    assertThat(s.contains(Ipv6Address.parse("2001:db8::8000:0:0:1"))).isTrue();
    assertThat(s.contains(Ipv6Address.parse("2001:db8::7fff:0:0:1"))).isFalse();
    assertThat(Ipv6Subnet.parse("::/0").contains(Ipv6Address.parse("ffff::"))).isTrue();
    assertThat(Ipv6Subnet.parse("::1/128").contains(Ipv6Address.parse("::1"))).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "10.0.0.0/33|prefix length must be 0..32",
        "10.0.0.0|missing '/prefix-length'",
        "10.0.0.0/|prefix length must be a number",
        "10.0.0.0/-1|prefix length must be a number",
        "10.0.0.0/2a|prefix length must be a number",
        "10.0.0.1/24|host bits are set; the network is 10.0.0.0/24",
        "10.0.0/24|expected four decimal octets",
        "2001:db8::/129|prefix length must be 0..128",
        "2001:db8::1/64|host bits are set; the network is 2001:db8::/64",
        "2001:db8::|missing '/prefix-length'",
      })
  void refusesBadPrefixesNamingTheValue(String text, String reason) {
    assertThatThrownBy(() -> IpSubnet.parse(text))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("subnet")
        .hasMessageContaining("'" + text + "'")
        .hasMessageContaining(reason);
  }

  @Test
  void interfaceAddressKeepsHostBits() {
    InterfaceAddress a = InterfaceAddress.parse("169.254.1.2/30");
    assertThat(a.address()).isEqualTo(Ipv4Address.parse("169.254.1.2"));
    assertThat(a.subnet()).isEqualTo(Ipv4Subnet.parse("169.254.1.0/30"));
    assertThat(a).hasToString("169.254.1.2/30");
    assertThat(InterfaceAddress.host(Ipv4Address.parse("201.201.201.1")))
        .hasToString("201.201.201.1/32");
    assertThat(InterfaceAddress.parse("2001:db8::5/64").subnet()).hasToString("2001:db8::/64");
    assertThatThrownBy(() -> InterfaceAddress.parse("169.254.1.2"))
        .hasMessageContaining("missing '/prefix-length'");
    assertThatThrownBy(() -> InterfaceAddress.parse("169.254.1.2/40"))
        .hasMessageContaining("prefix length must be 0..32");
    assertThatThrownBy(() -> new InterfaceAddress(Ipv6Address.ANY, 129))
        .hasMessageContaining("0..128");
  }
}
