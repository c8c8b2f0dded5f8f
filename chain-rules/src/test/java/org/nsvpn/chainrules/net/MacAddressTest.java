package org.nsvpn.chainrules.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nsvpn.chainrules.InvalidValueException;

class MacAddressTest {

  @Test
  void parsesAnyCaseAndFormatsLowerCase() {
    MacAddress m = MacAddress.parse("AC:CA:BA:4A:61:C5");
    assertThat(m.bits()).isEqualTo(0xaccaba4a61c5L);
    assertThat(m).hasToString("ac:ca:ba:4a:61:c5");
    assertThat(MacAddress.fromBytes(m.toBytes())).isEqualTo(m);
  }

  @Test
  void classifiesAddresses() {
    assertThat(MacAddress.BROADCAST.isBroadcast()).isTrue();
    assertThat(MacAddress.BROADCAST.isMulticast()).isTrue();
    assertThat(MacAddress.parse("01:00:5e:00:00:01").isMulticast()).isTrue();
    assertThat(MacAddress.parse("01:00:5e:00:00:01").isUnicast()).isFalse();
    assertThat(MacAddress.ZERO.isUnicast()).isFalse();
    assertThat(MacAddress.parse("ac:ca:ba:4a:61:c5").isUnicast()).isTrue();
    assertThat(MacAddress.parse("02:00:00:00:00:01").isLocallyAdministered()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "ac:ca:ba:4a:61",
        "ac:ca:ba:4a:61:c5:00",
        "ac-ca-ba-4a-61-c5",
        "acca.ba4a.61c5",
        "gg:ca:ba:4a:61:c5",
        "ac:ca:ba:4a:61:c"
      })
  void refusesMalformedText(String text) {
    assertThatThrownBy(() -> MacAddress.parse(text))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("MAC address")
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  void refusesMoreThan48Bits() {
    assertThatThrownBy(() -> new MacAddress(1L << 48)).hasMessageContaining("48 bits");
  }

  @Test
  void randomLocalAddressesAreLocallyAdministeredUnicast() {
    Random random = new Random(42);
    for (int i = 0; i < 1000; i++) {
      MacAddress m = MacAddress.randomLocal(random);
      assertThat(m.isUnicast()).isTrue();
      assertThat(m.isLocallyAdministered()).isTrue();
    }
  }

  @Property
  void formatThenParseIsIdentity(@ForAll @LongRange(min = 0, max = 0xffff_ffff_ffffL) long bits) {
    MacAddress m = new MacAddress(bits);
    assertThat(MacAddress.parse(m.toString())).isEqualTo(m);
  }
}
