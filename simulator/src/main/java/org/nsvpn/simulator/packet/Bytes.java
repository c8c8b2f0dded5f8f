package org.nsvpn.simulator.packet;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An immutable sequence of bytes with value equality; what the packet records hold instead of
 * {@code byte[]} (whose equality is identity). {@link #toString()} is lower-case hex.
 */
public final class Bytes {

  public static final Bytes EMPTY = new Bytes(new byte[0]);

  private static final HexFormat HEX = HexFormat.of();

  private final byte[] bytes;

  private Bytes(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A copy of {@code bytes}. */
  public static Bytes of(byte... bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return bytes.length == 0 ? EMPTY : new Bytes(bytes.clone());
  }

  /** A copy of {@code length} bytes of {@code source} from {@code offset}. */
  public static Bytes copyOf(byte[] source, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, source.length);
    return length == 0 ? EMPTY : new Bytes(Arrays.copyOfRange(source, offset, offset + length));
  }

  /**
   * Parses hex digits; whitespace and colons between byte pairs are ignored, so tcpdump-style dumps
   * paste in directly.
   *
   * @throws IllegalArgumentException on an odd number of digits or a non-hex character
   */
  public static Bytes fromHex(String text) {
    StringBuilder digits = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isWhitespace(c) && c != ':') {
        digits.append(c);
      }
    }
    return digits.length() == 0 ? EMPTY : new Bytes(HEX.parseHex(digits));
  }

  /** {@code length} zero bytes. */
  public static Bytes zeros(int length) {
    return length == 0 ? EMPTY : new Bytes(new byte[length]);
  }

  /** Wraps an array the caller gives up; package-private so that no one outside can alias. */
  static Bytes adopt(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new Bytes(bytes);
  }

  public int length() {
    return bytes.length;
  }

  public boolean isEmpty() {
    return bytes.length == 0;
  }

  /** The byte at {@code index} as 0..255. */
  public int get(int index) {
    return bytes[index] & 0xff;
  }

  /** A fresh copy of the bytes. */
  public byte[] toArray() {
    return bytes.clone();
  }

  /** Copies the bytes into {@code target} at {@code offset}. */
  public void copyTo(byte[] target, int offset) {
    System.arraycopy(bytes, 0, target, offset, bytes.length);
  }

  public String hex() {
    return HEX.formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes b && Arrays.equals(bytes, b.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return hex();
  }
}
