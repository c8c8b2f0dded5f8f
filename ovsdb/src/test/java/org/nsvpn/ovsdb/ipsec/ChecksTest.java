package org.nsvpn.ovsdb.ipsec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Address and name checks of the IPsec tables. */
class ChecksTest {

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0", "192.0.2.1", "255.255.255.255", "203.0.113.250"})
  void ipv4LiteralsAreAccepted(String a) {
    assertThat(Checks.familyOf(a)).contains(IpFamily.IPV4);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "::",
        "::1",
        "2001:db8::1",
        "2001:DB8:0:0:0:0:0:1",
        "fe80::1:2",
        "::ffff:192.0.2.1",
        "1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:192.0.2.1",
        "1::"
      })
  void ipv6LiteralsAreAccepted(String a) {
    assertThat(Checks.familyOf(a)).contains(IpFamily.IPV6);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "192.0.2",
        "192.0.2.1.5",
        "192.0.2.256",
        "192.0.02.1",
        "1.2.3.-4",
        "a.b.c.d",
        ":::",
        "1:2:3:4:5:6:7:8:9",
        "1::2::3",
        "12345::",
        "2001:db8::g",
        "1.2.3.4::",
        "fe80::1%eth0",
        " 192.0.2.1"
      })
  void malformedAddressesAreRejected(String a) {
    assertThat(Checks.familyOf(a)).isEmpty();
  }

  @Test
  void hostNamesAreAcceptedWhereTheSchemaAllowsThem() {
    assertThat(Checks.addressOrHost("f", "vpn.example.net")).isEqualTo("vpn.example.net");
    assertThat(Checks.addressOrHost("f", "peer-1")).isEqualTo("peer-1");
    assertThatThrownBy(() -> Checks.addressOrHost("ike_remote_addr", "bad name!"))
        .isInstanceOf(InvalidIpsecValueException.class)
        .hasMessage(
            "ike_remote_addr: invalid value 'bad name!': is neither an IP address nor a host name");
    assertThatThrownBy(() -> Checks.addressOrHost("f", "-peer.example.net"))
        .hasMessageContaining("host name");
    assertThatThrownBy(() -> Checks.addressOrHost("f", "192.0.2.300"))
        .hasMessageContaining("not a valid IPv4");
  }

  @Test
  void prefixesHaveNoHostBitsAndAMaskOfTheirFamily() {
    Checks.prefix("src_addr", "10.1.0.0", 16, IpFamily.IPV4);
    Checks.prefix("src_addr", "2001:db8::", 32, IpFamily.IPV6);
    assertThatThrownBy(() -> Checks.prefix("src_addr", "10.1.0.1", 16, IpFamily.IPV4))
        .hasMessage("src_addr: invalid value '10.1.0.1/16': has host bits set beyond the mask");
    assertThatThrownBy(() -> Checks.prefix("src_addr", "10.1.0.0", 33, IpFamily.IPV4))
        .hasMessage("src_addr_mask: invalid value '33': must be in 0..32 for IPv4");
    assertThatThrownBy(() -> Checks.prefix("src_addr", "2001:db8::", 24, IpFamily.IPV4))
        .hasMessage("src_addr: invalid value '2001:db8::': is an IPv6 address, expected IPv4");
  }

  @Test
  void untrustedTextIsQuotedSafely() {
    assertThatThrownBy(() -> Checks.text("local_id", "a\nb", 10))
        .hasMessage("local_id: invalid value 'a\\x0ab': must not contain control characters");
    assertThatThrownBy(() -> Checks.policyName("policy_name", "x".repeat(100)))
        .hasMessageContaining("...(100 chars)");
  }
}
