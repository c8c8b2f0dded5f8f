package org.nsvpn.chainrules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InvalidValueExceptionTest {

  @Test
  void namesFieldQuotesValueAndGivesReason() {
    InvalidValueException e =
        new InvalidValueException("dst-port", "70000", "ports must be 0..65535");
    assertThat(e).hasMessage("dst-port: invalid value '70000': ports must be 0..65535");
    assertThat(e.field()).isEqualTo("dst-port");
    assertThat(e.value()).isEqualTo("70000");
    assertThat(e.reason()).isEqualTo("ports must be 0..65535");
  }

  @Test
  void relabelsForTheCallersField() {
    InvalidValueException e =
        new InvalidValueException("IPv4 address", "1.2.3", "bad").forField("peer-address");
    assertThat(e).hasMessage("peer-address: invalid value '1.2.3': bad");
  }

  @Test
  void quotesUntrustedValuesSafely() {
    String huge = "x".repeat(1_000_000);
    InvalidValueException e = new InvalidValueException("name", huge, "too long");
    assertThat(e.getMessage()).hasSizeLessThan(200).contains("...(1000000 chars)");
    assertThat(e.value()).hasSize(1_000_000);
    assertThat(new InvalidValueException("name", "a\u001b[31mb\n", "no").getMessage())
        .contains("a\\x1b[31mb\\x0a")
        .doesNotContain("\n");
  }

  @Test
  void namesAreStrictPlainWords() {
    assertThat(Require.name("router name", "router0")).isEqualTo("router0");
    assertThat(Require.name("router name", "edge-1.dc_2")).isEqualTo("edge-1.dc_2");
    for (String bad : new String[] {"", "a b", "a:b", "$(x)", "a;b", "-a", "a".repeat(64), "ä"}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Require.name("router name", bad))
          .isInstanceOf(InvalidValueException.class)
          .hasMessageStartingWith("router name: invalid value");
    }
  }
}
