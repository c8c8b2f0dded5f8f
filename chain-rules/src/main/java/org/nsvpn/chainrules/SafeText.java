package org.nsvpn.chainrules;

/**
 * Makes untrusted text safe to print on a terminal or in a log line: C0 and C1 control characters,
 * DEL, line and paragraph separators, the Unicode bidirectional controls (which can make a line
 * read differently from what it contains) and the zero-width and invisible formatting characters
 * (which make two different texts look the same) are written as {@code \xNN} or {@code \\uNNNN}
 * escapes; everything else is kept. Escaping is idempotent on its own output, which is printable
 * ASCII wherever it replaced something.
 */
public final class SafeText {
  private SafeText() {}

  /** {@code text} with every unsafe character escaped. */
  public static String escape(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (isUnsafe(c)) {
        if (out == null) {
          out = new StringBuilder(text.length() + 16).append(text, 0, i);
        }
        out.append(
            c <= 0xff ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  /** True for the characters {@link #escape} rewrites. */
  public static boolean isUnsafe(char c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || c == 0x00ad
        || c == 0x034f
        || c == 0x061c
        || c == 0x180e
        || (c >= 0x200b && c <= 0x200f)
        || c == 0x2028
        || c == 0x2029
        || (c >= 0x202a && c <= 0x202e)
        || (c >= 0x2060 && c <= 0x2069)
        || c == 0xfeff;
  }
}
