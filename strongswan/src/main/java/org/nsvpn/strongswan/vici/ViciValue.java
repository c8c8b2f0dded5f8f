package org.nsvpn.strongswan.vici;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A VICI value: an immutable blob of at most 65535 bytes. charon encodes text and numbers as
 * unterminated strings; keys and PSKs are raw bytes.
 *
 * <p>A value made with {@link #secret(byte[])} never shows its content in {@link #toString()}, so a
 * message carrying a pre-shared key can be logged safely.
 */
public final class ViciValue implements ViciElement {
  /** The largest value the 16-bit length field can carry. */
  public static final int MAX_LENGTH = 0xffff;

  private final byte[] bytes;
  private final boolean secret;

  private ViciValue(byte[] bytes, boolean secret) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "VICI value of " + bytes.length + " bytes exceeds the maximum of " + MAX_LENGTH);
    }
    this.bytes = bytes;
    this.secret = secret;
  }

  /** A text value, UTF-8 encoded. */
  public static ViciValue of(String text) {
    return new ViciValue(
        Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8), false);
  }

  /** A number, as charon expects it: decimal text. */
  public static ViciValue of(long number) {
    return of(Long.toString(number));
  }

  /** A boolean, as charon spells it: {@code yes} or {@code no}. */
  public static ViciValue of(boolean flag) {
    return of(flag ? "yes" : "no");
  }

  /** A binary value (copied). */
  public static ViciValue ofBytes(byte[] bytes) {
    return new ViciValue(bytes.clone(), false);
  }

  /** A secret (copied); its content never appears in {@link #toString()}. */
  public static ViciValue secret(byte[] bytes) {
    return new ViciValue(bytes.clone(), true);
  }

  /** Wraps bytes the caller hands over and never touches again (the decoder's copies). */
  static ViciValue wrap(byte[] bytes) {
    return new ViciValue(bytes, false);
  }

  public int length() {
    return bytes.length;
  }

  /** A copy of the bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** True for values made with {@link #secret(byte[])}. */
  public boolean isSecret() {
    return secret;
  }

  /** The value as UTF-8 text (malformed sequences become U+FFFD). */
  public String text() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  byte[] rawBytes() {
    return bytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ViciValue other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** The text, quoted, with control characters escaped; secrets as their length only. */
  @Override
  public String toString() {
    if (secret) {
      return "<secret, " + bytes.length + " bytes>";
    }
    StringBuilder out = new StringBuilder(bytes.length + 2).append('"');
    for (char c : text().toCharArray()) {
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", (int) c));
      } else if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
