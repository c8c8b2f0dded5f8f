package org.nsvpn.chainrules.net;

import java.util.random.RandomGenerator;
import org.nsvpn.chainrules.InvalidValueException;

/**
 * A 48-bit Ethernet MAC address held in the low 48 bits of a long. Text is six colon-separated
 * pairs of hex digits ({@code ac:ca:ba:4a:61:c5}); upper case is accepted, output is lower case.
 */
public record MacAddress(long bits) {
  private static final String FIELD = "MAC address";
  private static final long MASK = 0xffff_ffff_ffffL;

  public static final MacAddress ZERO = new MacAddress(0);
  public static final MacAddress BROADCAST = new MacAddress(MASK);

  public MacAddress {
    if ((bits & ~MASK) != 0) {
      throw new InvalidValueException(FIELD, Long.toHexString(bits), "must fit in 48 bits");
    }
  }

  /** Parses {@code xx:xx:xx:xx:xx:xx}. */
  public static MacAddress parse(String text) {
    if (text == null) {
      throw new InvalidValueException(FIELD, "null", "is required");
    }
    if (text.length() != 17) {
      throw new InvalidValueException(FIELD, text, "expected six hex pairs as xx:xx:xx:xx:xx:xx");
    }
    long bits = 0;
    for (int octet = 0; octet < 6; octet++) {
      int at = octet * 3;
      int hi = Ipv6Address.hexValue(text.charAt(at));
      int lo = Ipv6Address.hexValue(text.charAt(at + 1));
      if (hi < 0 || lo < 0 || (octet < 5 && text.charAt(at + 2) != ':')) {
        throw new InvalidValueException(FIELD, text, "expected six hex pairs as xx:xx:xx:xx:xx:xx");
      }
      bits = bits << 8 | hi << 4 | lo;
    }
    return new MacAddress(bits);
  }

  /** Builds a MAC from six bytes. */
  public static MacAddress fromBytes(byte[] bytes) {
    if (bytes == null || bytes.length != 6) {
      throw new InvalidValueException(
          FIELD, bytes == null ? "null" : bytes.length + " bytes", "needs exactly 6 bytes");
    }
    return fromBytes(bytes, 0);
  }

  /** Reads six bytes at {@code offset}. */
  public static MacAddress fromBytes(byte[] bytes, int offset) {
    long bits = 0;
    for (int i = 0; i < 6; i++) {
      bits = bits << 8 | (bytes[offset + i] & 0xff);
    }
    return new MacAddress(bits);
  }

  /**
   * A random locally administered unicast address (first octet {@code x2}, {@code x6}, {@code xa}
   * or {@code xe}): never collides with a vendor-assigned address.
   */
  public static MacAddress randomLocal(RandomGenerator random) {
    long bits = random.nextLong() & MASK;
    return new MacAddress(locallyAdministeredUnicast(bits));
  }

  /** Forces the locally-administered bit on and the multicast bit off. */
  public static long locallyAdministeredUnicast(long bits) {
    long first = (bits >>> 40) & 0xfc | 0x02;
    return first << 40 | bits & 0xff_ffff_ffffL;
  }

  public byte[] toBytes() {
    byte[] out = new byte[6];
    writeTo(out, 0);
    return out;
  }

  /** Writes the six bytes at {@code offset}. */
  public void writeTo(byte[] out, int offset) {
    for (int i = 0; i < 6; i++) {
      out[offset + i] = (byte) (bits >>> (40 - 8 * i));
    }
  }

  /** Group bit: the low bit of the first octet. Broadcast is multicast too. */
  public boolean isMulticast() {
    return (bits & 0x0100_0000_0000L) != 0;
  }

  public boolean isBroadcast() {
    return bits == MASK;
  }

  /** An address usable as a station address: not multicast/broadcast, not all zeros. */
  public boolean isUnicast() {
    return !isMulticast() && bits != 0;
  }

  public boolean isLocallyAdministered() {
    return (bits & 0x0200_0000_0000L) != 0;
  }

  @Override
  public String toString() {
    char[] out = new char[17];
    for (int i = 0; i < 6; i++) {
      int octet = (int) (bits >>> (40 - 8 * i)) & 0xff;
      out[i * 3] = Character.forDigit(octet >>> 4, 16);
      out[i * 3 + 1] = Character.forDigit(octet & 0xf, 16);
      if (i < 5) {
        out[i * 3 + 2] = ':';
      }
    }
    return new String(out);
  }
}
