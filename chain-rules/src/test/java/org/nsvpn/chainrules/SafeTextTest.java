package org.nsvpn.chainrules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SafeTextTest {

  @Test
  void keepsOrdinaryTextAsItIs() {
    String text = "peer 198.51.100.2 said: NO_PROPOSAL_CHOSEN (ÄÖÜ, 東京)";
    assertThat(SafeText.escape(text)).isSameAs(text);
  }

  @Test
  void escapesControlC1AndBidiCharacters() {
    assertThat(SafeText.escape("a\u001b[31mb\n")).isEqualTo("a\\x1b[31mb\\x0a");
    assertThat(SafeText.escape("x\u009by\u007f")).isEqualTo("x\\x9by\\x7f");
    assertThat(SafeText.escape("evil\u202etxt.exe")).isEqualTo("evil\\u202etxt.exe");
    assertThat(SafeText.escape("\u2066a\u2069\u200f\u2028"))
        .isEqualTo("\\u2066a\\u2069\\u200f\\u2028");
  }

  @Test
  void escapesZeroWidthAndInvisibleFormattingCharacters() {
    assertThat(SafeText.escape("ro\u200buter\u200c\u200d\u2060\u2064\ufeff"))
        .isEqualTo("ro\\u200buter\\u200c\\u200d\\u2060\\u2064\\ufeff");
    assertThat(SafeText.escape("soft\u00adhyphen\u034f\u180e"))
        .isEqualTo("soft\\xadhyphen\\u034f\\u180e");
  }

  @Test
  void escapingItsOwnOutputChangesNothing() {
    String once = SafeText.escape("a\u202e\u009b\u200b\u0007b");
    assertThat(SafeText.escape(once)).isEqualTo(once);
  }

  @Test
  void theModelsErrorMessagesUseTheSameRules() {
    assertThat(new InvalidValueException("name", "a\u202eb\u0085", "no").getMessage())
        .contains("a\\u202eb\\x85");
  }
}
