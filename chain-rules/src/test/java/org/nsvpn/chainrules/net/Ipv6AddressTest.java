package org.nsvpn.chainrules.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nsvpn.chainrules.InvalidValueException;

class Ipv6AddressTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "::, ::",
    "::1, ::1",
    "1::, 1::",
    "2001:DB8:0:0:0:0:0:1, 2001:db8::1",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:0db8:0000:0000:0000:0000:0002:0001, 2001:db8::2:1",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
    "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
    "fe80::1:2:3:4, fe80::1:2:3:4",
    "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0",
    "::2:3:4:5:6:7:8, 0:2:3:4:5:6:7:8",
    "::ffff:192.0.2.1, ::ffff:192.0.2.1",
    "::ffff:c000:0201, ::ffff:192.0.2.1",
    "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
  })
  void parsesRfc4291AndFormatsRfc5952(String text, String canonical) {
    Ipv6Address a = Ipv6Address.parse(text);
    assertThat(a).hasToString(canonical);
    assertThat(Ipv6Address.parse(canonical)).isEqualTo(a);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        ":",
        ":::",
        "1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7:8:9",
        "1::2::3",
        "12345::",
        "g::",
        ":1::",
        "1::2:",
        "1:2:3:4:5:6:7:8::",
        "::1.2.3",
        "::1.2.3.4.5",
        "1:2:3:4:5:6:7:1.2.3.4",
        "fe80::1%eth0",
        "::1 ",
        "1.2.3.4"
      })
  void refusesMalformedText(String text) {
    assertThatThrownBy(() -> Ipv6Address.parse(text))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("IPv6 address")
        .hasMessageContaining("'" + text + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"fe80::1", "febf:ffff::1"})
  void recognisesLinkLocal(String text) {
    assertThat(Ipv6Address.parse(text).isLinkLocal()).isTrue();
  }

  @Property
  void formatThenParseIsIdentity(@ForAll("addresses") Ipv6Address a) {
    assertThat(Ipv6Address.parse(a.toString())).isEqualTo(a);
    assertThat(IpAddress.parse(a.toString())).isEqualTo(a);
    assertThat(Ipv6Address.fromBytes(a.toBytes())).isEqualTo(a);
    assertThat(a.toString()).isEqualTo(a.toString().toLowerCase()).doesNotContain(":::");
  }

  /** Mostly sparse addresses, so that zero-run compression is exercised. */
  @Provide
  Arbitrary<Ipv6Address> addresses() {
    Arbitrary<Integer> group =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, Arbitraries.just(0)),
            net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 0xffff)));
    return group
        .list()
        .ofSize(8)
        .map(
            groups -> {
              long high = 0;
              long low = 0;
              for (int i = 0; i < 8; i++) {
                if (i < 4) {
                  high = high << 16 | groups.get(i);
                } else {
                  low = low << 16 | groups.get(i);
                }
              }
              return new Ipv6Address(high, low);
            });
  }
}
