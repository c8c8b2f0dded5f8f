package org.nsvpn.namespacemanager.xfrm;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.nsvpn.chainrules.InvalidValueException;

/**
 * An SA's algorithm with its key: {@code struct xfrm_algo} ({@code char alg_name[64]}, {@code
 * unsigned int alg_key_len} in bits, key) for encryption ({@code XFRMA_ALG_CRYPT}), {@code struct
 * xfrm_algo_auth} (plus {@code alg_trunc_len}) for authentication ({@code XFRMA_ALG_AUTH_TRUNC}),
 * {@code struct xfrm_algo_aead} (plus {@code alg_icv_len}) for AEAD ({@code XFRMA_ALG_AEAD}).
 *
 * <p>The key is secret: {@link #toString()} never shows it.
 *
 * @param attribute the {@code XFRMA_*} attribute it travels in
 * @param name the kernel's crypto name, e.g. {@code cbc(aes)}, {@code hmac(sha256)}
 * @param extraBits truncation length (auth) or ICV length (AEAD) in bits; 0 for encryption
 */
public record XfrmAlgorithm(int attribute, String name, byte[] key, int extraBits) {
  private static final int NAME_SIZE = 64;

  public XfrmAlgorithm {
    if (attribute != XfrmConstants.XFRMA_ALG_CRYPT
        && attribute != XfrmConstants.XFRMA_ALG_AUTH_TRUNC
        && attribute != XfrmConstants.XFRMA_ALG_AEAD) {
      throw new InvalidValueException("algorithm attribute", attribute, "unknown");
    }
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()
        || name.length() >= NAME_SIZE
        || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new InvalidValueException(
          "algorithm name", name, "must be 1-63 printable ASCII characters");
    }
    key = Objects.requireNonNull(key, "key").clone();
  }

  public static XfrmAlgorithm encryption(String name, byte[] key) {
    return new XfrmAlgorithm(XfrmConstants.XFRMA_ALG_CRYPT, name, key, 0);
  }

  public static XfrmAlgorithm authentication(String name, byte[] key, int truncationBits) {
    return new XfrmAlgorithm(XfrmConstants.XFRMA_ALG_AUTH_TRUNC, name, key, truncationBits);
  }

  public static XfrmAlgorithm aead(String name, byte[] key, int icvBits) {
    return new XfrmAlgorithm(XfrmConstants.XFRMA_ALG_AEAD, name, key, icvBits);
  }

  @Override
  public byte[] key() {
    return key.clone();
  }

  /** The attribute payload: the struct followed by the key. */
  public byte[] encode() {
    boolean extra = attribute != XfrmConstants.XFRMA_ALG_CRYPT;
    ByteBuffer out =
        ByteBuffer.allocate(NAME_SIZE + 4 + (extra ? 4 : 0) + key.length)
            .order(java.nio.ByteOrder.nativeOrder());
    byte[] text = name.getBytes(StandardCharsets.US_ASCII);
    out.put(text);
    XfrmWire.zeros(out, NAME_SIZE - text.length);
    out.putInt(key.length * 8);
    if (extra) {
      out.putInt(extraBits);
    }
    out.put(key);
    return out.array();
  }

  public static XfrmAlgorithm decode(int attribute, ByteBuffer in) {
    byte[] text = new byte[NAME_SIZE];
    in.get(text);
    int length = 0;
    while (length < NAME_SIZE && text[length] != 0) {
      length++;
    }
    int keyBits = in.getInt();
    int extraBits = attribute == XfrmConstants.XFRMA_ALG_CRYPT ? 0 : in.getInt();
    byte[] key = new byte[Math.min(in.remaining(), (keyBits + 7) / 8)];
    in.get(key);
    return new XfrmAlgorithm(
        attribute, new String(text, 0, length, StandardCharsets.US_ASCII), key, extraBits);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof XfrmAlgorithm a
        && a.attribute == attribute
        && a.name.equals(name)
        && Arrays.equals(a.key, key)
        && a.extraBits == extraBits;
  }

  @Override
  public int hashCode() {
    return Objects.hash(attribute, name, Arrays.hashCode(key), extraBits);
  }

  @Override
  public String toString() {
    return "XfrmAlgorithm[" + name + ", " + key.length * 8 + "-bit key (hidden)" + "]";
  }
}
